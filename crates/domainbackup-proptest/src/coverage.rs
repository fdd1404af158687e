//! Grammar coverage: which alternatives of the grammar a set of generated definitions
//! reached, as productions (`disk.form=block`) and productions in their parent's context
//! (`push/disk.form=block`).
//!
//! [`productions`] lists every production the generator can reach for a profile and mode;
//! [`Coverage::record`] names the ones a definition exercises. A recorded production that
//! is not listed is a bug in one of the two, and [`Coverage::unlisted`] reports it.

use std::collections::{BTreeMap, BTreeSet};

use domainbackup_model::model::{
    BackupMode, DomainBackup, EncryptionEngine, EncryptionFormat, SecretLookup, StoreType,
    Transport,
};
use domainbackup_model::{Mode, Profile};

/// Productions reached, with how often.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Production → count.
    pub productions: BTreeMap<String, u64>,
    /// `parent/production` → count.
    pub in_parent: BTreeMap<String, u64>,
}

fn hit(map: &mut BTreeMap<String, u64>, key: String) -> bool {
    let count = map.entry(key).or_insert(0);
    *count += 1;
    *count == 1
}

impl Coverage {
    fn add(&mut self, new: &mut bool, parent: &str, production: impl Into<String>) {
        let production = production.into();
        *new |= hit(&mut self.in_parent, format!("{parent}/{production}"));
        *new |= hit(&mut self.productions, production);
    }

    /// Records what `def` exercises; true if anything was new.
    pub fn record(&mut self, def: &DomainBackup) -> bool {
        let mut new = false;
        let mode = def.mode.as_str();
        self.add(&mut new, "domainbackup", format!("mode={mode}"));
        if let Some(incremental) = &def.incremental {
            let kind = if incremental.trim().is_empty() {
                "incremental=blank"
            } else {
                "incremental"
            };
            self.add(&mut new, mode, kind);
        }
        if let Some(server) = &def.server {
            let transport = server.transport.as_str();
            self.add(&mut new, mode, format!("server.transport={transport}"));
            let tls = match server.tls {
                Some(true) => "yes",
                Some(false) => "no",
                None => "absent",
            };
            self.add(&mut new, transport, format!("server.tls={tls}"));
            if server.transport == Transport::Tcp {
                self.add(
                    &mut new,
                    "tcp",
                    if server.port == 0 {
                        "server.port=none"
                    } else {
                        "server.port"
                    },
                );
                let name = server.name.as_deref().unwrap_or("");
                let kind = if name.contains(':') {
                    "ipv6"
                } else if name.split('.').count() == 4
                    && name.split('.').all(|p| p.parse::<u8>().is_ok())
                {
                    "ipv4"
                } else {
                    "dns"
                };
                self.add(&mut new, "tcp", format!("server.name={kind}"));
            }
        }
        if def.disks.is_empty() {
            self.add(&mut new, mode, "disks=none");
        }
        for disk in &def.disks {
            if !disk.backup {
                self.add(&mut new, mode, "disk.backup=no");
                continue;
            }
            let Some(store) = &disk.store else { continue };
            let form = match (store.kind, store.path.is_some(), store.format.is_some()) {
                (StoreType::File, false, false) => "plain",
                (StoreType::File, _, _) => "file",
                (StoreType::Block, _, _) => "block",
            };
            self.add(&mut new, mode, format!("disk.form={form}"));
            let backup_mode = disk.backup_mode.as_str().unwrap_or("default");
            self.add(&mut new, mode, format!("disk.backupmode={backup_mode}"));
            match disk.incremental.as_deref() {
                Some("") => self.add(&mut new, backup_mode, "disk.incremental=empty"),
                Some(_) => self.add(&mut new, backup_mode, "disk.incremental"),
                None => {}
            }
            if let Some(name) = &disk.export_name {
                self.add(
                    &mut new,
                    mode,
                    if name.is_empty() {
                        "disk.exportname=empty"
                    } else {
                        "disk.exportname"
                    },
                );
            }
            if let Some(bitmap) = &disk.export_bitmap {
                self.add(
                    &mut new,
                    mode,
                    if bitmap.is_empty() {
                        "disk.exportbitmap=empty"
                    } else {
                        "disk.exportbitmap"
                    },
                );
            }
            if !disk.state.as_str().is_empty() {
                self.add(
                    &mut new,
                    "disk",
                    format!("disk.state={}", disk.state.as_str()),
                );
            }
            if store.index != 0 {
                self.add(&mut new, "disk", "disk.index");
            }
            if let Some(format) = store.format {
                self.add(&mut new, mode, format!("driver.type={}", format.as_str()));
            }
            let source = if def.mode == BackupMode::Push {
                "target"
            } else {
                "scratch"
            };
            if store.path.is_some() {
                let attribute = if store.kind == StoreType::File {
                    "file"
                } else {
                    "dev"
                };
                self.add(&mut new, mode, format!("{source}.{attribute}"));
            }
            if store.fdgroup.is_some() {
                self.add(&mut new, source, "store.fdgroup");
            }
            for label in &store.seclabels {
                let form = if label.norelabel {
                    "relabel-no"
                } else if label.labelskip {
                    "labelskip"
                } else {
                    "label"
                };
                self.add(&mut new, source, format!("seclabel.{form}"));
                if label.model.is_some() {
                    self.add(&mut new, "seclabel", "seclabel.model");
                }
            }
            if let Some(encryption) = &store.encryption {
                self.add(
                    &mut new,
                    source,
                    format!("encryption.format={}", encryption.format.as_str()),
                );
                if encryption.engine != EncryptionEngine::Default {
                    self.add(
                        &mut new,
                        "encryption",
                        format!(
                            "encryption.engine={}",
                            encryption.engine.as_str().unwrap_or("")
                        ),
                    );
                }
                for secret in &encryption.secrets {
                    let kind = match secret {
                        SecretLookup::Uuid(_) => "uuid",
                        SecretLookup::Usage(_) => "usage",
                    };
                    self.add(&mut new, "encryption", format!("secret.{kind}"));
                }
                if encryption.secrets.len() != 1 {
                    self.add(
                        &mut new,
                        "encryption",
                        format!("secrets={}", encryption.secrets.len().min(2)),
                    );
                }
                if let Some(cipher) = &encryption.cipher {
                    self.add(&mut new, "encryption", "cipher");
                    if cipher.mode.is_some() {
                        self.add(&mut new, "cipher", "cipher.mode+hash");
                    }
                    match &encryption.ivgen {
                        Some(ivgen) => {
                            self.add(&mut new, "encryption", "ivgen");
                            if ivgen.hash.is_some() {
                                self.add(&mut new, "ivgen", "ivgen.hash");
                            }
                        }
                        None => self.add(&mut new, "encryption", "cipher-without-ivgen"),
                    }
                }
            }
        }
        if def.tls_secret_alias.is_some() {
            self.add(&mut new, "privateData", "privateData.tlskey");
        }
        if def.tls_alias.is_some() {
            self.add(&mut new, "privateData", "privateData.TLSx509");
        }
        new
    }

    /// Recorded productions that [`productions`] does not list for `profile` and `mode`.
    pub fn unlisted(&self, profile: Profile, mode: Mode) -> Vec<String> {
        let listed: BTreeSet<String> = productions(profile, mode).into_iter().collect();
        self.productions
            .keys()
            .filter(|p| !listed.contains(*p))
            .cloned()
            .collect()
    }

    /// Listed productions not reached yet.
    pub fn missing(&self, profile: Profile, mode: Mode) -> Vec<String> {
        productions(profile, mode)
            .into_iter()
            .filter(|p| !self.productions.contains_key(p))
            .collect()
    }

    /// A report: covered/total productions and production-in-parent pairs, then what is
    /// missing.
    pub fn summary(&self, profile: Profile, mode: Mode) -> String {
        let listed = productions(profile, mode);
        let covered = listed
            .iter()
            .filter(|p| self.productions.contains_key(*p))
            .count();
        let mut out = format!(
            "profile {profile}, mode {mode}: {covered}/{} productions, {} production-in-parent pairs\n",
            listed.len(),
            self.in_parent.len()
        );
        for missing in self.missing(profile, mode) {
            out.push_str(&format!("  not reached: {missing}\n"));
        }
        out
    }
}

/// Every production the generator can reach for `profile` in `mode`.
pub fn productions(profile: Profile, mode: Mode) -> Vec<String> {
    let internal = mode.options(profile).internal;
    let mut p: Vec<String> = Vec::new();
    let mut add = |s: &str| p.push(s.to_string());
    for s in [
        "mode=push",
        "mode=pull",
        "incremental",
        "incremental=blank",
        "disks=none",
    ] {
        add(s);
    }
    add("server.transport=tcp");
    add("server.transport=unix");
    if profile.has_fd_transport() {
        add("server.transport=fd");
    }
    for s in [
        "server.tls=yes",
        "server.tls=no",
        "server.tls=absent",
        "server.port",
        "server.port=none",
        "server.name=dns",
        "server.name=ipv4",
        "server.name=ipv6",
    ] {
        add(s);
    }
    for s in [
        "disk.backup=no",
        "disk.form=plain",
        "disk.form=file",
        "disk.form=block",
    ] {
        add(s);
    }
    for s in [
        "disk.backupmode=default",
        "disk.backupmode=full",
        "disk.backupmode=incremental",
        "disk.incremental",
        "disk.incremental=empty",
    ] {
        add(s);
    }
    for s in [
        "disk.exportname",
        "disk.exportname=empty",
        "disk.exportbitmap",
        "disk.exportbitmap=empty",
    ] {
        add(s);
    }
    for f in domainbackup_model::model::StorageFormat::ALL {
        add(&format!("driver.type={}", f.as_str()));
    }
    for s in ["target.file", "target.dev", "scratch.file", "scratch.dev"] {
        add(s);
    }
    for s in [
        "seclabel.relabel-no",
        "seclabel.labelskip",
        "seclabel.label",
        "seclabel.model",
    ] {
        add(s);
    }
    for s in [
        "secret.uuid",
        "secret.usage",
        "cipher",
        "cipher.mode+hash",
        "ivgen",
        "ivgen.hash",
        "encryption.engine=qemu",
    ] {
        add(s);
    }
    add("encryption.format=luks");
    if internal {
        for state in domainbackup_model::model::DiskState::ALL.iter().skip(1) {
            add(&format!("disk.state={}", state.as_str()));
        }
        for s in [
            "disk.index",
            "store.fdgroup",
            "privateData.tlskey",
            "privateData.TLSx509",
            "encryption.engine=librbd",
            "secrets=0",
            "secrets=2",
            "cipher-without-ivgen",
        ] {
            add(s);
        }
        for f in EncryptionFormat::ALL {
            if f != EncryptionFormat::Luks
                && (f != EncryptionFormat::LuksAny || profile.has_luks_any_encryption())
            {
                add(&format!("encryption.format={}", f.as_str()));
            }
        }
    }
    p
}
