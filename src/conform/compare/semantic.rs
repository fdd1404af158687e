//! The semantic comparison of accepted output: the expected and the implementation's text
//! read back leniently ([`read_back`]) and compared field by field ([`diff_models`]), each
//! difference named by the XML path libvirt prints the field at.
//!
//! It must be able to fail: every model field is destructured without `..`, so a new
//! field does not compile until it is compared. It names differences; it does not decide
//! an outcome.

use crate::model::{
    BackupDisk, BackupMode, BackupStore, Cipher, DomainBackup, Encryption, Ivgen, PullServer,
    Seclabel, SecretLookup, StoreType,
};
use crate::xml::tree::{Attribute, Node};
use crate::{Position, Profile, Rejection, Stage};

use super::difference::{Difference, UNREADABLE, exact_differences};
use super::message::{one_line, show_controls};

/// Reads an implementation's output leniently: libvirt's reader in internal mode (no
/// schema; status fields read), with a missing disk `state` taken as `state=''` so that
/// output of a public parse, which never prints it, reads back too.
pub fn read_back(output: &[u8], profile: Profile) -> Result<DomainBackup, Rejection> {
    let mut document = crate::xml::read::read(output)?;
    if document.root.name != "domainbackup" {
        return Err(Rejection::from_parts(
            Stage::Root,
            27,
            20,
            format!("the root element is '{}'", document.root.name),
        ));
    }
    for child in &mut document.root.children {
        let Node::Element(disks) = child else {
            continue;
        };
        if disks.name != "disks" || disks.namespace.is_some() {
            continue;
        }
        for disk in &mut disks.children {
            if let Node::Element(disk) = disk {
                if disk.prop("state").is_none() {
                    disk.attributes.push(Attribute {
                        name: "state".into(),
                        prefix: None,
                        namespace: None,
                        value: String::new(),
                        position: Position::default(),
                    });
                }
            }
        }
    }
    crate::xml::semantic::parse(&document.root, profile, true)
}

/// Semantic comparison of accepted output: both texts read back with [`read_back`] and
/// compared with [`diff_models`].
pub fn semantic_differences(expected: &str, got: &str, profile: Profile) -> Vec<Difference> {
    // The same bytes read back the same: most agreeing cases end here, unparsed.
    if expected == got {
        return Vec::new();
    }
    let want = match read_back(expected.as_bytes(), profile) {
        Ok(model) => model,
        // The reference's own text always reads back; should it not, compare bytes.
        Err(_) => return exact_differences(expected, got),
    };
    match read_back(got.as_bytes(), profile) {
        Ok(model) => diff_models(&want, &model),
        Err(r) => vec![Difference {
            path: "/domainbackup".into(),
            expected: "a readable <domainbackup>".into(),
            got: format!("{UNREADABLE} ({})", one_line(&r.to_string())),
        }],
    }
}

/// A value in quotes, its control characters written as escapes so that a carriage return
/// or a tab shows as what it is rather than acting on the terminal.
fn quoted(v: Option<&str>) -> String {
    match v {
        Some(s) => format!("'{}'", show_controls(s, false)),
        None => "absent".to_string(),
    }
}

struct Differ {
    out: Vec<Difference>,
}

impl Differ {
    fn value(&mut self, path: &str, expected: Option<&str>, got: Option<&str>) {
        if expected != got {
            self.out.push(Difference {
                path: path.to_string(),
                expected: quoted(expected),
                got: quoted(got),
            });
        }
    }

    fn presence(&mut self, path: &str, expected: bool, got: bool) {
        if expected != got {
            let show = |b: bool| if b { "present" } else { "absent" }.to_string();
            self.out.push(Difference {
                path: path.to_string(),
                expected: show(expected),
                got: show(got),
            });
        }
    }
}

fn yes_no(b: bool) -> Option<&'static str> {
    Some(if b { "yes" } else { "no" })
}

fn nonzero(n: u32) -> Option<String> {
    (n != 0).then(|| n.to_string())
}

/// Every difference between two models, named by the XML path libvirt would print the
/// field at (absent fields as `absent`). Empty exactly when the models are equal.
pub fn diff_models(expected: &DomainBackup, got: &DomainBackup) -> Vec<Difference> {
    let mut d = Differ { out: Vec::new() };
    // Destructured without `..`: a new model field fails to compile until it is compared.
    let DomainBackup {
        mode,
        incremental,
        server,
        disks,
        unset_disks,
        tls_secret_alias,
        tls_alias,
    } = expected;
    d.value(
        "/domainbackup/@mode",
        Some(mode.as_str()),
        Some(got.mode.as_str()),
    );
    d.value(
        "/domainbackup/incremental",
        incremental.as_deref(),
        got.incremental.as_deref(),
    );
    match (server, &got.server) {
        (Some(a), Some(b)) => diff_server(&mut d, a, b),
        (a, b) => d.presence("/domainbackup/server", a.is_some(), b.is_some()),
    }
    let store_name = if *mode == BackupMode::Push {
        "target"
    } else {
        "scratch"
    };
    for i in 0..disks.len().max(got.disks.len()) {
        let path = format!("/domainbackup/disks/disk[{}]", i + 1);
        match (disks.get(i), got.disks.get(i)) {
            (Some(a), Some(b)) => diff_disk(&mut d, &path, store_name, a, b),
            (a, b) => d.value(
                &path,
                a.map(|x| format!("disk '{}'", x.name)).as_deref(),
                b.map(|x| format!("disk '{}'", x.name)).as_deref(),
            ),
        }
    }
    if *unset_disks != got.unset_disks {
        d.value(
            "/domainbackup/disks/disk[not(@name)]",
            Some(format!("{unset_disks} unset disks").as_str()),
            Some(format!("{} unset disks", got.unset_disks).as_str()),
        );
    }
    d.value(
        "/domainbackup/privateData/objects/secret/@alias",
        tls_secret_alias.as_deref(),
        got.tls_secret_alias.as_deref(),
    );
    d.value(
        "/domainbackup/privateData/objects/TLSx509/@alias",
        tls_alias.as_deref(),
        got.tls_alias.as_deref(),
    );
    if d.out.is_empty() && expected != got {
        // Unreachable while every field is compared above; kept so that a comparison can
        // never silently pass.
        d.out.push(Difference {
            path: "/domainbackup".into(),
            expected: format!("{expected:?}"),
            got: format!("{got:?}"),
        });
    }
    d.out
}

fn diff_server(d: &mut Differ, a: &PullServer, b: &PullServer) {
    let PullServer {
        transport,
        tls,
        name,
        port,
        socket,
        fdgroup,
    } = a;
    let p = "/domainbackup/server";
    d.value(
        &format!("{p}/@transport"),
        Some(transport.as_str()),
        Some(b.transport.as_str()),
    );
    d.value(
        &format!("{p}/@tls"),
        tls.and_then(yes_no),
        b.tls.and_then(yes_no),
    );
    d.value(&format!("{p}/@name"), name.as_deref(), b.name.as_deref());
    d.value(
        &format!("{p}/@port"),
        nonzero(*port).as_deref(),
        nonzero(b.port).as_deref(),
    );
    d.value(
        &format!("{p}/@socket"),
        socket.as_deref(),
        b.socket.as_deref(),
    );
    d.value(
        &format!("{p}/@fdgroup"),
        fdgroup.as_deref(),
        b.fdgroup.as_deref(),
    );
}

fn diff_disk(d: &mut Differ, p: &str, store_name: &str, a: &BackupDisk, b: &BackupDisk) {
    let BackupDisk {
        name,
        backup,
        state,
        backup_mode,
        incremental,
        export_name,
        export_bitmap,
        store,
    } = a;
    d.value(&format!("{p}/@name"), Some(name), Some(&b.name));
    d.value(&format!("{p}/@backup"), yes_no(*backup), yes_no(b.backup));
    let state_str = |s: &str| (!s.is_empty()).then(|| s.to_string());
    d.value(
        &format!("{p}/@state"),
        state_str(state.as_str()).as_deref(),
        state_str(b.state.as_str()).as_deref(),
    );
    d.value(
        &format!("{p}/@backupmode"),
        backup_mode.as_str(),
        b.backup_mode.as_str(),
    );
    d.value(
        &format!("{p}/@incremental"),
        incremental.as_deref(),
        b.incremental.as_deref(),
    );
    d.value(
        &format!("{p}/@exportname"),
        export_name.as_deref(),
        b.export_name.as_deref(),
    );
    d.value(
        &format!("{p}/@exportbitmap"),
        export_bitmap.as_deref(),
        b.export_bitmap.as_deref(),
    );
    match (store, &b.store) {
        (Some(x), Some(y)) => diff_store(d, p, store_name, x, y),
        (x, y) => d.presence(&format!("{p}/{store_name}"), x.is_some(), y.is_some()),
    }
}

fn diff_store(d: &mut Differ, disk: &str, store_name: &str, a: &BackupStore, b: &BackupStore) {
    let BackupStore {
        kind,
        path,
        fdgroup,
        format,
        index,
        seclabels,
        encryption,
        auth,
        reservations,
        slice,
    } = a;
    let p = format!("{disk}/{store_name}");
    d.value(
        &format!("{disk}/@type"),
        Some(kind.as_str()),
        Some(b.kind.as_str()),
    );
    let path_attr = match kind {
        StoreType::File => "file",
        StoreType::Block => "dev",
    };
    d.value(
        &format!("{p}/@{path_attr}"),
        path.as_deref(),
        b.path.as_deref(),
    );
    d.value(
        &format!("{p}/@fdgroup"),
        fdgroup.as_deref(),
        b.fdgroup.as_deref(),
    );
    d.value(
        &format!("{disk}/driver/@type"),
        format.map(|f| f.as_str()),
        b.format.map(|f| f.as_str()),
    );
    d.value(
        &format!("{disk}/@index"),
        nonzero(*index).as_deref(),
        nonzero(b.index).as_deref(),
    );
    for i in 0..seclabels.len().max(b.seclabels.len()) {
        let sp = format!("{p}/seclabel[{}]", i + 1);
        match (seclabels.get(i), b.seclabels.get(i)) {
            (Some(x), Some(y)) => diff_seclabel(d, &sp, x, y),
            (x, y) => d.presence(&sp, x.is_some(), y.is_some()),
        }
    }
    match (encryption, &b.encryption) {
        (Some(x), Some(y)) => diff_encryption(d, &format!("{p}/encryption"), x, y),
        (x, y) => d.presence(&format!("{p}/encryption"), x.is_some(), y.is_some()),
    }
    match (auth, &b.auth) {
        (Some(x), Some(y)) => {
            let ap = format!("{p}/auth");
            d.value(
                &format!("{ap}/@username"),
                Some(&x.username),
                Some(&y.username),
            );
            d.value(&format!("{ap}/@type"), x.kind.as_deref(), y.kind.as_deref());
            let sp = format!("{ap}/secret");
            d.value(
                &format!("{sp}/@type"),
                x.secret_type.as_deref(),
                y.secret_type.as_deref(),
            );
            diff_secret(d, &sp, &x.secret, &y.secret);
        }
        (x, y) => d.presence(&format!("{p}/auth"), x.is_some(), y.is_some()),
    }
    match (reservations, &b.reservations) {
        (Some(x), Some(y)) => {
            let rp = format!("{p}/reservations");
            d.value(
                &format!("{rp}/@managed"),
                yes_no(x.managed),
                yes_no(y.managed),
            );
            d.value(
                &format!("{rp}/source/@path"),
                x.path.as_deref(),
                y.path.as_deref(),
            );
        }
        (x, y) => d.presence(&format!("{p}/reservations"), x.is_some(), y.is_some()),
    }
    match (slice, &b.slice) {
        (Some(x), Some(y)) => {
            let sp = format!("{p}/slices/slice");
            d.value(
                &format!("{sp}/@offset"),
                Some(&x.offset.to_string()),
                Some(&y.offset.to_string()),
            );
            d.value(
                &format!("{sp}/@size"),
                Some(&x.size.to_string()),
                Some(&y.size.to_string()),
            );
        }
        (x, y) => d.presence(&format!("{p}/slices/slice"), x.is_some(), y.is_some()),
    }
}

/// A secret's `uuid` and `usage` at `p` (one of them is set).
fn diff_secret(d: &mut Differ, p: &str, a: &SecretLookup, b: &SecretLookup) {
    let uuid = |s: &SecretLookup| match s {
        SecretLookup::Uuid(u) => Some(crate::xml::format::format_uuid(u)),
        SecretLookup::Usage(_) => None,
    };
    let usage = |s: &SecretLookup| match s {
        SecretLookup::Usage(u) => Some(u.clone()),
        SecretLookup::Uuid(_) => None,
    };
    d.value(
        &format!("{p}/@uuid"),
        uuid(a).as_deref(),
        uuid(b).as_deref(),
    );
    d.value(
        &format!("{p}/@usage"),
        usage(a).as_deref(),
        usage(b).as_deref(),
    );
}

fn diff_seclabel(d: &mut Differ, p: &str, a: &Seclabel, b: &Seclabel) {
    let Seclabel {
        model,
        norelabel,
        labelskip,
        label,
    } = a;
    d.value(&format!("{p}/@model"), model.as_deref(), b.model.as_deref());
    d.value(
        &format!("{p}/@relabel"),
        yes_no(!norelabel),
        yes_no(!b.norelabel),
    );
    d.value(
        &format!("{p}/@labelskip"),
        yes_no(*labelskip),
        yes_no(b.labelskip),
    );
    d.value(&format!("{p}/label"), label.as_deref(), b.label.as_deref());
}

fn diff_encryption(d: &mut Differ, p: &str, a: &Encryption, b: &Encryption) {
    let Encryption {
        format,
        engine,
        secrets,
        cipher,
        ivgen,
    } = a;
    d.value(
        &format!("{p}/@format"),
        Some(format.as_str()),
        Some(b.format.as_str()),
    );
    d.value(&format!("{p}/@engine"), engine.as_str(), b.engine.as_str());
    for i in 0..secrets.len().max(b.secrets.len()) {
        let sp = format!("{p}/secret[{}]", i + 1);
        match (secrets.get(i), b.secrets.get(i)) {
            (Some(x), Some(y)) => diff_secret(d, &sp, x, y),
            (x, y) => d.presence(&sp, x.is_some(), y.is_some()),
        }
    }
    match (cipher, &b.cipher) {
        (Some(x), Some(y)) => {
            let Cipher {
                name,
                size,
                mode,
                hash,
            } = x;
            let cp = format!("{p}/cipher");
            d.value(&format!("{cp}/@name"), Some(name), Some(&y.name));
            d.value(
                &format!("{cp}/@size"),
                Some(&size.to_string()),
                Some(&y.size.to_string()),
            );
            d.value(&format!("{cp}/@mode"), mode.as_deref(), y.mode.as_deref());
            d.value(&format!("{cp}/@hash"), hash.as_deref(), y.hash.as_deref());
        }
        (x, y) => d.presence(&format!("{p}/cipher"), x.is_some(), y.is_some()),
    }
    match (ivgen, &b.ivgen) {
        (Some(x), Some(y)) => {
            let Ivgen { name, hash } = x;
            let ip = format!("{p}/ivgen");
            d.value(&format!("{ip}/@name"), Some(name), Some(&y.name));
            d.value(&format!("{ip}/@hash"), hash.as_deref(), y.hash.as_deref());
        }
        (x, y) => d.presence(&format!("{p}/ivgen"), x.is_some(), y.is_some()),
    }
}
