//! Alignment of a backup definition with the domain it backs up
//! (`virDomainBackupAlignDisks`): every listed disk must exist once, missing stores get a
//! generated file name, unlisted disks are appended, and each disk's backup mode and
//! incremental checkpoint are settled.
//!
//! The domain is described only by what alignment reads of it ([`Domain`]); the fake
//! domain of libvirt's xml2xml test is built in ([`Domain::upstream_test`]).

use crate::error::Rejection;
use crate::model::{BackupDisk, BackupStore, DiskBackupMode, DomainBackup, StoreType};
use crate::profile::Profile;
use crate::rules;

/// The suffix libvirt's xml2xml test aligns with.
pub const UPSTREAM_TEST_SUFFIX: &str = "SUFFIX";

/// The source type of a domain disk (`virStorageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(missing_docs)]
pub enum SourceType {
    /// No source at all.
    None,
    #[default]
    File,
    Block,
    Dir,
    Network,
    Volume,
    Nvme,
    VhostUser,
    VhostVdpa,
}

/// What alignment reads of one domain disk.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DomainDisk {
    /// The target device name (`<target dev=...>`), matched against backup disk names.
    pub target: String,
    /// The source type.
    pub source_type: SourceType,
    /// The source path of a local source.
    pub path: Option<String>,
    /// Whether a network source names a protocol.
    pub network_protocol: bool,
    /// Whether the disk is read-only (never backed up unless listed).
    pub readonly: bool,
}

impl DomainDisk {
    /// A file-backed, writable disk at `path`.
    pub fn file(target: impl Into<String>, path: impl Into<String>) -> DomainDisk {
        DomainDisk {
            target: target.into(),
            source_type: SourceType::File,
            path: Some(path.into()),
            network_protocol: false,
            readonly: false,
        }
    }

    /// `virStorageSourceIsEmpty`: a local source without a path, no source, or a network
    /// source without a protocol.
    pub fn is_empty(&self) -> bool {
        match self.source_type {
            SourceType::File | SourceType::Block | SourceType::Dir => self.path.is_none(),
            SourceType::None => true,
            SourceType::Network => !self.network_protocol,
            _ => false,
        }
    }
}

/// What alignment reads of a domain: its disks, in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Domain {
    /// The disks, in domain order.
    pub disks: Vec<DomainDisk>,
}

impl Domain {
    /// The domain libvirt's `genericxml2xmltest.c` builds for a parsed backup: one
    /// file disk `/fake/<name>.qcow2` per backup disk (in parse order, `backup='no'`
    /// ones included), then `vdextradisk`.
    pub fn upstream_test(def: &DomainBackup) -> Domain {
        Domain::upstream_test_for(def.disks.iter().map(|d| d.name.as_str()))
    }

    /// The domain of [`Domain::upstream_test`] for a backup naming the disks `names`, in
    /// order.
    pub fn upstream_test_for<'a>(names: impl Iterator<Item = &'a str>) -> Domain {
        let disks = names
            .chain(std::iter::once("vdextradisk"))
            .map(|name| DomainDisk::file(name, format!("/fake/{name}.qcow2")))
            .collect();
        Domain { disks }
    }
}

/// `virDomainBackupDefAssignStore`.
fn assign_store(
    disk: &mut BackupDisk,
    source: &DomainDisk,
    suffix: &str,
    profile: Profile,
) -> Result<(), Rejection> {
    if source.is_empty() && disk.store.is_some() {
        return Err(rules::ALIGN_DISK_WITHOUT_MEDIA.reject(&[&disk.name]));
    }
    let needs_path = match &disk.store {
        None => !source.is_empty(),
        Some(store) => profile.align_generates_path_for_listed_disks() && store.path.is_none(),
    };
    if !needs_path {
        return Ok(());
    }
    if source.source_type != SourceType::File {
        return Err(rules::ALIGN_NO_FILE_NAME.reject(&[&disk.name]));
    }
    let store = disk.store.get_or_insert_with(BackupStore::default);
    store.kind = StoreType::File;
    store.path = Some(format!(
        "{}.{}",
        source.path.as_deref().unwrap_or("(null)"),
        suffix
    ));
    Ok(())
}

/// Aligns `def` with `domain` as `virDomainBackupAlignDisks(def, dom, suffix)` does.
/// On error `def` may be partly aligned, as in libvirt.
pub fn align(
    def: &mut DomainBackup,
    domain: &Domain,
    suffix: &str,
    profile: Profile,
) -> Result<(), Rejection> {
    if domain.disks.is_empty() {
        return Err(rules::ALIGN_DOMAIN_WITHOUT_DISKS.reject(&[]));
    }
    // libvirt looks each name up with a linear scan (`virDomainDiskByTarget`); the first
    // disk of a target wins either way, and a map keeps many-disk documents linear.
    let mut by_target: std::collections::HashMap<&str, &DomainDisk> =
        std::collections::HashMap::with_capacity(domain.disks.len());
    for d in &domain.disks {
        by_target.entry(d.target.as_str()).or_insert(d);
    }
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for disk in def.disks.iter_mut() {
        let Some(source) = by_target.get(disk.name.as_str()).copied() else {
            return Err(rules::ALIGN_NO_DISK_NAMED.reject(&[&disk.name]));
        };
        if !seen.insert(disk.name.clone()) {
            return Err(rules::ALIGN_DISK_SPECIFIED_TWICE.reject(&[&disk.name]));
        }
        if disk.backup_mode == DiskBackupMode::Incremental
            && disk.incremental.is_none()
            && def.incremental.is_none()
        {
            return Err(rules::ALIGN_INCREMENTAL_WITHOUT_CHECKPOINT.reject(&[&disk.name]));
        }
        if disk.backup {
            assign_store(disk, source, suffix, profile)?;
        }
    }

    let backup_all = def.disks.is_empty();
    // libvirt grows the array to the domain's disk count first; the slots the loop below
    // does not fill (a listed target the domain has twice) stay zeroed.
    let slots = domain.disks.len().max(def.disks.len());
    for source in &domain.disks {
        if seen.contains(&source.target) {
            continue;
        }
        let mut disk = BackupDisk {
            name: source.target.clone(),
            ..BackupDisk::default()
        };
        if backup_all && !source.is_empty() && !source.readonly {
            disk.backup = true;
            assign_store(&mut disk, source, suffix, profile)?;
        }
        // The name is now taken: a later domain disk with the same target is appended
        // again, as libvirt's hash only holds the listed names.
        def.disks.push(disk);
    }
    def.unset_disks = slots.saturating_sub(def.disks.len());

    for disk in def.disks.iter_mut() {
        if disk.backup_mode == DiskBackupMode::Default {
            disk.backup_mode = if def.incremental.is_some() || disk.incremental.is_some() {
                DiskBackupMode::Incremental
            } else {
                DiskBackupMode::Full
            };
        }
        if disk.incremental.is_none() && disk.backup_mode == DiskBackupMode::Incremental {
            disk.incremental = def.incremental.clone();
        }
    }
    Ok(())
}

/// A domain description that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DomainXmlError(pub String);

impl std::fmt::Display for DomainXmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "domain XML: {}", self.0)
    }
}

impl std::error::Error for DomainXmlError {}

impl Domain {
    /// Reads what alignment needs from a libvirt domain XML (`<domain>` with
    /// `<devices><disk type=..>` children holding `<source file|dev|dir|protocol=..>`,
    /// `<target dev=..>` and `<readonly/>`), so that the same file can be given to real
    /// libvirt's `virDomainDefParseString`.
    pub fn from_xml(text: &[u8]) -> Result<Domain, DomainXmlError> {
        let document = crate::xml::read::read(text).map_err(|r| DomainXmlError(r.message))?;
        let root = &document.root;
        if root.name != "domain" {
            return Err(DomainXmlError(format!(
                "root element is <{}>, not <domain>",
                root.name
            )));
        }
        let mut disks = Vec::new();
        for devices in root.xpath_children("devices") {
            for disk in devices.xpath_children("disk") {
                let source_type = match disk.prop("type").unwrap_or("file") {
                    "file" => SourceType::File,
                    "block" => SourceType::Block,
                    "dir" => SourceType::Dir,
                    "network" => SourceType::Network,
                    "volume" => SourceType::Volume,
                    "nvme" => SourceType::Nvme,
                    "vhostuser" => SourceType::VhostUser,
                    "vhostvdpa" => SourceType::VhostVdpa,
                    other => return Err(DomainXmlError(format!("unknown disk type '{other}'"))),
                };
                let source = disk.xpath_child("source");
                let path_attribute = match source_type {
                    SourceType::File => Some("file"),
                    SourceType::Block => Some("dev"),
                    SourceType::Dir => Some("dir"),
                    _ => None,
                };
                let path = path_attribute
                    .and_then(|a| source.and_then(|s| s.prop(a)))
                    .filter(|p| !p.is_empty())
                    .map(str::to_string);
                let network_protocol =
                    source.is_some_and(|s| s.prop("protocol").is_some_and(|p| p != "none"));
                let Some(target) = disk.xpath_child("target").and_then(|t| t.prop("dev")) else {
                    return Err(DomainXmlError("a <disk> has no <target dev=...>".into()));
                };
                disks.push(DomainDisk {
                    target: target.to_string(),
                    source_type,
                    path,
                    network_protocol,
                    readonly: disk.xpath_child("readonly").is_some(),
                });
            }
        }
        Ok(Domain { disks })
    }
}
