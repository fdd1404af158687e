//! The edits the breaches share: how a breach shapes the valid definition before it is
//! written (`to_pull`, `to_push`, `first_disk_with_store`, ...), finds and changes elements
//! of the written tree (`with_server`, `with_disk`, `with_store`, `element`, `secret`,
//! `cipher`, `luks`, ...), and changes the written bytes where the tree cannot say it (the
//! marker element, an entity declaration, the root's name).
//!
//! Helpers only: nothing here names a rule or says what libvirt reports, which is each
//! breach's job in the stage files beside this one.

use crate::render::{Content, Node};
use domainbackup_model::Profile;
use domainbackup_model::model::{
    BackupDisk, BackupMode, BackupStore, DiskState, DomainBackup, PullServer, StorageFormat,
    StoreType, Transport,
};

pub(super) fn nothing(_: &mut DomainBackup, _: Profile) {}

/// Pull mode with a TCP server, disks converted so they stay valid.
pub(super) fn to_pull(def: &mut DomainBackup, _: Profile) {
    def.mode = BackupMode::Pull;
    def.server = Some(PullServer {
        transport: Transport::Tcp,
        name: Some("localhost".into()),
        port: 10809,
        ..PullServer::default()
    });
    for disk in &mut def.disks {
        if let Some(store) = &mut disk.store {
            if store.format.is_some() {
                store.format = Some(StorageFormat::Qcow2);
            }
            if store.path.is_none() {
                store.kind = StoreType::File;
                store.format = None;
            }
        }
    }
}

/// Push mode, disks converted so they stay valid.
pub(super) fn to_push(def: &mut DomainBackup, _: Profile) {
    def.mode = BackupMode::Push;
    def.server = None;
    for disk in &mut def.disks {
        disk.export_name = None;
        disk.export_bitmap = None;
    }
}

/// A backed-up first disk with a file store that has a path (so `<target>`/`<scratch>`
/// exists), in front of whatever disks there are.
pub(super) fn first_disk_with_store(def: &mut DomainBackup, _: Profile) {
    let store = BackupStore {
        kind: StoreType::File,
        path: Some("/backup/vdzz.img".into()),
        ..BackupStore::default()
    };
    let disk = BackupDisk {
        name: "vdzz".into(),
        backup: true,
        state: DiskState::Running,
        store: Some(store),
        ..BackupDisk::default()
    };
    def.disks.retain(|d| d.name != "vdzz");
    def.disks.insert(0, disk);
}

pub(super) fn push_with_store(def: &mut DomainBackup, profile: Profile) {
    to_push(def, profile);
    first_disk_with_store(def, profile);
}

pub(super) fn server<'r, 'a>(root: &'r mut Node<'a>) -> Option<&'r mut Node<'a>> {
    root.child_mut("server")
}

pub(super) fn first_disk<'r, 'a>(root: &'r mut Node<'a>) -> Option<&'r mut Node<'a>> {
    root.child_mut("disks")?.children_mut().next()
}

pub(super) fn store_node<'r, 'a>(root: &'r mut Node<'a>) -> Option<&'r mut Node<'a>> {
    let disk = first_disk(root)?;
    disk.children_mut()
        .find(|n| n.name == "target" || n.name == "scratch")
}

pub(super) fn with_server<'a>(root: &mut Node<'a>, f: impl FnOnce(&mut Node<'a>)) {
    if let Some(s) = server(root) {
        f(s)
    }
}

pub(super) fn with_disk<'a>(root: &mut Node<'a>, f: impl FnOnce(&mut Node<'a>)) {
    if let Some(d) = first_disk(root) {
        f(d)
    }
}

pub(super) fn with_store<'a>(root: &mut Node<'a>, f: impl FnOnce(&mut Node<'a>)) {
    if let Some(s) = store_node(root) {
        f(s)
    }
}

pub(super) fn encryption_node() -> Node<'static> {
    let mut enc = Node::element("encryption");
    enc.set("format", "luks");
    let mut secret = Node::element("secret");
    secret.set("type", "passphrase");
    secret.set("usage", "/secret/backup");
    enc.push_child(secret);
    enc
}

pub(super) fn seclabel(model: &'static str, relabel: &'static str) -> Node<'static> {
    let mut label = Node::element("seclabel");
    label.set("model", model);
    label.set("relabel", relabel);
    label
}

/// Pull mode, with a backed-up first disk that has a `<scratch file=...>`.
pub(super) fn pull_with_store(def: &mut DomainBackup, profile: Profile) {
    to_pull(def, profile);
    first_disk_with_store(def, profile);
}

/// A top-level `<incremental>` checkpoint.
pub(super) fn with_incremental(def: &mut DomainBackup, _: Profile) {
    if def.incremental.is_none() {
        def.incremental = Some("cp".into());
    }
}

/// An element with the attributes `attributes`.
pub(super) fn element(
    name: &'static str,
    attributes: &[(&'static str, &'static str)],
) -> Node<'static> {
    let mut node = Node::element(name);
    for &(attribute, value) in attributes {
        node.set(attribute, value);
    }
    node
}

/// Adds `group` as children of `node` that keep their order.
pub(super) fn push_group<'a>(node: &mut Node<'a>, group: Vec<Node<'a>>) {
    if let Content::Elements { groups, .. } = &mut node.content {
        groups.push(group);
    }
}

/// Removes every child element called `name`.
pub(super) fn remove_children(node: &mut Node, name: &str) {
    if let Content::Elements { groups, .. } = &mut node.content {
        for group in groups.iter_mut() {
            group.retain(|n| n.name != name);
        }
        groups.retain(|g| !g.is_empty());
    }
}

pub(super) fn count_children(node: &mut Node, name: &str) -> usize {
    node.children_mut().filter(|n| n.name == name).count()
}

/// The element a byte-level change later replaces (see [`replace_marker`]).
pub(super) const MARKER: &str = "zzmarker";

pub(super) fn marker() -> Node<'static> {
    Node::element(MARKER)
}

/// Replaces the marker element, however it was spelled (`<zzmarker/>`, `<zzmarker />`,
/// `<zzmarker></zzmarker>`), with `with`.
pub(super) fn replace_marker(doc: &mut Vec<u8>, with: &str) {
    let text = String::from_utf8_lossy(doc).into_owned();
    let open = format!("<{MARKER}");
    let close = format!("</{MARKER}>");
    if let Some(start) = text.find(&open) {
        let end = text[start..]
            .find('>')
            .map_or(text.len(), |e| start + e + 1);
        let rest = if text[..end].ends_with("/>") {
            &text[end..]
        } else {
            text[end..]
                .strip_prefix(close.as_str())
                .unwrap_or(&text[end..])
        };
        *doc = format!("{}{with}{rest}", &text[..start]).into_bytes();
    }
}

/// Declares the general entity `e` in an internal DTD subset (replacing the plain
/// `<!DOCTYPE domainbackup>` the spelling may have written).
pub(super) fn declare_entity(doc: &mut Vec<u8>) {
    const DECLARATION: &str = "<!DOCTYPE domainbackup [<!ENTITY e 'cp'>]>";
    let text = String::from_utf8_lossy(doc).into_owned();
    let text = if text.contains("<!DOCTYPE domainbackup>") {
        text.replacen("<!DOCTYPE domainbackup>", DECLARATION, 1)
    } else {
        let root = text.find("<domainbackup").unwrap_or(0);
        format!("{}{DECLARATION}{}", &text[..root], &text[root..])
    };
    *doc = text.into_bytes();
}

/// Renames the root element to `<domain>`.
pub(super) fn rename_root(doc: &mut Vec<u8>) {
    let text = String::from_utf8_lossy(doc).into_owned();
    *doc = text
        .replacen("<domainbackup", "<domain", 1)
        .replacen("</domainbackup>", "</domain>", 1)
        .into_bytes();
}

pub(super) fn secret() -> Node<'static> {
    element(
        "secret",
        &[("type", "passphrase"), ("usage", "/secret/backup")],
    )
}

pub(super) fn cipher() -> Node<'static> {
    element("cipher", &[("name", "aes"), ("size", "256")])
}

pub(super) fn ivgen() -> Node<'static> {
    element("ivgen", &[("name", "plain64")])
}

/// `<encryption format='luks'>` holding `groups` (each keeps its order; groups are
/// interleaved as the schema allows).
pub(super) fn luks(groups: Vec<Vec<Node>>) -> Node {
    let mut encryption = element("encryption", &[("format", "luks")]);
    for group in groups {
        push_group(&mut encryption, group);
    }
    encryption
}

/// Adds `child` to the first disk's `<target>`/`<scratch>`.
pub(super) fn add_to_store<'a>(root: &mut Node<'a>, child: Node<'a>) {
    with_store(root, |s| s.push_child(child));
}

/// Adds `child` to the first disk.
pub(super) fn add_to_disk<'a>(root: &mut Node<'a>, child: Node<'a>) {
    with_disk(root, |d| d.push_child(child));
}

pub(super) fn root_content<'r, 'a>(root: &'r mut Node<'a>) -> &'r mut Content<'a> {
    &mut root.content
}
