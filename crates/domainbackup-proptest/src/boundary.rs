//! The boundary and near-miss pass: the values where hand-written parsers go wrong, put at
//! every place of the grammar that reads such a value.
//!
//! The places ([`SITES`]) are the grammar's attributes and texts by datatype: every number
//! libvirt reads (`unsignedInt`, with the range its C parser gives it), every enumerated
//! value (the choices of `domainbackup.rng`), every string (free text, or one of the
//! schema's patterns), and every repeatable element. The values are derived per datatype,
//! never written per place:
//!
//! * numbers: the edges of every integer width a parser might use (0, 1, 2^7, 2^8, 2^15,
//!   2^16, 2^31, 2^32, 2^63, 2^64, each ±1), and spellings (sign, leading zeros, blanks,
//!   hex, exponent, decimals, empty). A value in every place's range goes into one document
//!   at every such place; every other pair has a document of its own;
//! * enumerated values: each near miss of the value a document has (other letter case,
//!   blanks around it, a suffix, the empty string);
//! * strings: empty, one character, long, XML-special characters, whitespace kinds,
//!   non-ASCII, and what the patterns refuse; free-text places share one document per kind;
//! * repeatable elements: none, one, two, many, and the same one twice.
//!
//! Documents of one place each that libvirt accepts share a document with those of other
//! places (see [`boundary_cases`]).
//!
//! A case carries no expectation: which of these libvirt accepts is the reference's answer
//! (and real libvirt's, which the agreement suites hold it to). This module decides no
//! verdict; it asks the reference only which documents can share one.

use domainbackup_model::model::{
    BackupDisk, BackupMode, BackupStore, Cipher, DiskState, DomainBackup, Encryption,
    EncryptionFormat, Ivgen, PullServer, Seclabel, SecretLookup, StorageFormat, StoreType,
    Transport,
};
use domainbackup_model::{Mode, Profile};

use crate::model::{Target, make_alignable};
use crate::render::{self, Node};

/// One document of the pass.
#[derive(Debug, Clone)]
pub struct BoundaryCase {
    /// The libvirt version it is written for.
    pub profile: Profile,
    /// How the document is processed.
    pub mode: Mode,
    /// What it tries: `port=65536`, `transport~upper`, `text~long@exportname`, `disks*10`.
    pub name: String,
    /// The document.
    pub document: Vec<u8>,
}

/// The datatype of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datatype {
    /// An unsigned decimal number; the largest value libvirt keeps.
    Number(u128),
    /// One of the schema's choices: the one the pass's documents have.
    Enumerated(&'static str),
    /// Any text.
    Text,
    /// Text the schema restricts by a pattern (host names, absolute paths).
    Pattern,
}

/// Where a place is, and what a document needs for it to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// In every document of the pass.
    Any,
    /// Only where the schema is not checked and status fields are read.
    Internal,
    /// Only with a unix socket server.
    Unix,
}

/// A place of the grammar that reads a value.
#[derive(Debug, Clone, Copy)]
pub struct Site {
    /// `element@attribute`, or `element` for its text.
    pub name: &'static str,
    /// Its datatype.
    pub datatype: Datatype,
    shape: Shape,
    /// The path of elements from the root's children down.
    path: &'static [&'static str],
    /// The attribute, or `None` for the element's text.
    attribute: Option<&'static str>,
}

const fn site(
    name: &'static str,
    datatype: Datatype,
    shape: Shape,
    path: &'static [&'static str],
    attribute: Option<&'static str>,
) -> Site {
    Site {
        name,
        datatype,
        shape,
        path,
        attribute,
    }
}

const U16: u128 = 65_535;
const U32: u128 = 4_294_967_295;
const STORE: &[&str] = &["disks", "disk", "target"];
const CIPHER: &[&str] = &["disks", "disk", "target", "encryption", "cipher"];

/// Every place the pass writes values into.
pub const SITES: &[Site] = &[
    site(
        "server@port",
        Datatype::Number(U16),
        Shape::Any,
        &["server"],
        Some("port"),
    ),
    site(
        "cipher@size",
        Datatype::Number(U32),
        Shape::Any,
        CIPHER,
        Some("size"),
    ),
    site(
        "disk@index",
        Datatype::Number(U32),
        Shape::Internal,
        &["disks", "disk"],
        Some("index"),
    ),
    site(
        "domainbackup@mode",
        Datatype::Enumerated("pull"),
        Shape::Any,
        &[],
        Some("mode"),
    ),
    site(
        "server@transport",
        Datatype::Enumerated("tcp"),
        Shape::Any,
        &["server"],
        Some("transport"),
    ),
    site(
        "server@tls",
        Datatype::Enumerated("yes"),
        Shape::Any,
        &["server"],
        Some("tls"),
    ),
    site(
        "disk@backup",
        Datatype::Enumerated("yes"),
        Shape::Any,
        &["disks", "disk"],
        Some("backup"),
    ),
    site(
        "disk@type",
        Datatype::Enumerated("file"),
        Shape::Any,
        &["disks", "disk"],
        Some("type"),
    ),
    site(
        "disk@backupmode",
        Datatype::Enumerated("full"),
        Shape::Any,
        &["disks", "disk"],
        Some("backupmode"),
    ),
    site(
        "disk@state",
        Datatype::Enumerated("running"),
        Shape::Internal,
        &["disks", "disk"],
        Some("state"),
    ),
    site(
        "driver@type",
        Datatype::Enumerated("qcow2"),
        Shape::Any,
        &["disks", "disk", "target", "driver"],
        Some("type"),
    ),
    site(
        "encryption@format",
        Datatype::Enumerated("luks"),
        Shape::Any,
        &["disks", "disk", "target", "encryption"],
        Some("format"),
    ),
    site(
        "secret@type",
        Datatype::Enumerated("passphrase"),
        Shape::Any,
        &["disks", "disk", "target", "encryption", "secret"],
        Some("type"),
    ),
    site(
        "seclabel@relabel",
        Datatype::Enumerated("no"),
        Shape::Any,
        &["disks", "disk", "target", "seclabel"],
        Some("relabel"),
    ),
    site(
        "incremental",
        Datatype::Text,
        Shape::Any,
        &["incremental"],
        None,
    ),
    site(
        "disk@incremental",
        Datatype::Text,
        Shape::Any,
        &["disks", "disk"],
        Some("incremental"),
    ),
    site(
        "disk@exportname",
        Datatype::Text,
        Shape::Any,
        &["disks", "disk"],
        Some("exportname"),
    ),
    site(
        "disk@exportbitmap",
        Datatype::Text,
        Shape::Any,
        &["disks", "disk"],
        Some("exportbitmap"),
    ),
    site(
        "cipher@name",
        Datatype::Text,
        Shape::Any,
        CIPHER,
        Some("name"),
    ),
    site(
        "secret@usage",
        Datatype::Text,
        Shape::Any,
        &["disks", "disk", "target", "encryption", "secret"],
        Some("usage"),
    ),
    site(
        "seclabel@model",
        Datatype::Text,
        Shape::Any,
        &["disks", "disk", "target", "seclabel"],
        Some("model"),
    ),
    site(
        "server@name",
        Datatype::Pattern,
        Shape::Any,
        &["server"],
        Some("name"),
    ),
    site(
        "server@socket",
        Datatype::Pattern,
        Shape::Unix,
        &["server"],
        Some("socket"),
    ),
    site(
        "target@file",
        Datatype::Pattern,
        Shape::Any,
        STORE,
        Some("file"),
    ),
];

/// The numbers of the pass: the edges of every width, then spellings, each with a label.
pub fn numbers() -> Vec<(String, String)> {
    let mut values: Vec<u128> = vec![0, 1, 2];
    for bits in [7u32, 8, 15, 16, 31, 32, 63, 64] {
        let edge = 1u128 << bits;
        values.extend([edge - 1, edge, edge + 1]);
    }
    let mut out: Vec<(String, String)> = values
        .iter()
        .map(|v| (v.to_string(), v.to_string()))
        .collect();
    out.push(("-1".into(), "-1".into()));
    for (label, spelling) in [
        ("plus", "+5"),
        ("leading-zeros", "007"),
        ("blanks-around", " 5 "),
        ("hex", "0x10"),
        ("exponent", "1e3"),
        ("empty", ""),
    ] {
        out.push((label.into(), spelling.into()));
    }
    out
}

/// Whether `number` (`None`: not digits) is one of the values just beyond a place's range
/// that has a document of its own there: the first one above it, the first above 32 bits
/// (and the 32-bit maximum where the place keeps less), the first above 64 bits, and every
/// spelling that is not plain digits.
fn first_outside(site: &Site, number: Option<u128>) -> bool {
    let Datatype::Number(max) = site.datatype else {
        return false;
    };
    match number {
        None => true,
        Some(n) => n == max + 1 || n == 1 << 32 || n == (1 << 32) - 1 || n == 1 << 64,
    }
}

/// The near misses of the enumerated value `value`, with labels.
pub fn near_misses(value: &str) -> Vec<(&'static str, String)> {
    vec![
        ("upper", value.to_uppercase()),
        ("blanks-around", format!(" {value} ")),
        ("suffix", format!("{value}x")),
        ("empty", String::new()),
    ]
}

/// The strings of the pass, with labels.
pub fn strings() -> Vec<(&'static str, String)> {
    vec![
        ("empty", String::new()),
        ("one", "a".into()),
        ("long", "long-name-".repeat(100)),
        ("xml-special", "a&b<c>\"d'e".into()),
        ("blanks-around", " a b ".into()),
        ("tab-newline", "a\tb\nc".into()),
        ("latin", "café".into()),
        ("cjk", "日本語".into()),
        ("astral", "disk😀".into()),
        ("refused-by-patterns", "rel ative/..//x".into()),
    ]
}

/// The string kinds tried at each place with a pattern (the others share the free-text
/// places' documents).
const PATTERN_KINDS: &[&str] = &[
    "empty",
    "long",
    "xml-special",
    "blanks-around",
    "latin",
    "refused-by-patterns",
];

/// The rich definition every document of the pass starts from: pull mode with a TCP server
/// (or a unix socket), a checkpoint, two backed-up file disks whose targets have a driver,
/// a seclabel and a LUKS encryption with a cipher, and a disk left out.
fn base(profile: Profile, mode: Mode, unix: bool) -> DomainBackup {
    let internal = mode.options(profile).internal;
    let store = |name: &str, index: u32| BackupStore {
        kind: StoreType::File,
        path: Some(format!("/backup/{name}.qcow2")),
        format: Some(StorageFormat::Qcow2),
        index: if internal { index } else { 0 },
        seclabels: vec![Seclabel {
            model: Some("dac".into()),
            norelabel: true,
            ..Seclabel::default()
        }],
        encryption: Some(Encryption {
            format: EncryptionFormat::Luks,
            engine: Default::default(),
            secrets: vec![SecretLookup::Usage("/secret/backup".into())],
            cipher: Some(Cipher {
                name: "aes".into(),
                size: 256,
                mode: None,
                hash: None,
            }),
            ivgen: Some(Ivgen {
                name: "plain64".into(),
                hash: Some("sha256".into()),
            }),
        }),
        ..BackupStore::default()
    };
    let disk = |name: &str, index: u32| BackupDisk {
        name: name.into(),
        backup: true,
        state: if internal {
            DiskState::Running
        } else {
            DiskState::None
        },
        backup_mode: Default::default(),
        incremental: Some("cp0".into()),
        export_name: Some(format!("{name}-export")),
        export_bitmap: Some(format!("{name}-bitmap")),
        store: Some(store(name, index)),
    };
    let mut def = DomainBackup {
        mode: BackupMode::Pull,
        incremental: Some("cp1".into()),
        server: Some(if unix {
            PullServer {
                transport: Transport::Unix,
                socket: Some("/run/backup.sock".into()),
                ..PullServer::default()
            }
        } else {
            PullServer {
                transport: Transport::Tcp,
                name: Some("localhost".into()),
                port: 10809,
                ..PullServer::default()
            }
        }),
        disks: vec![
            disk("vda", 3),
            disk("vdb", 4),
            BackupDisk {
                name: "hda".into(),
                backup: false,
                ..BackupDisk::default()
            },
        ],
        ..DomainBackup::default()
    };
    if mode.options(profile).align {
        make_alignable(&mut def);
    }
    def
}

/// Calls `f` on every element at `path` below `node`.
fn each<'a>(node: &mut Node<'a>, path: &[&str], f: &mut dyn FnMut(&mut Node<'a>)) {
    match path.split_first() {
        None => f(node),
        Some((first, rest)) => {
            for child in node.children_mut().filter(|n| n.name == *first) {
                each(child, rest, f);
            }
        }
    }
}

/// Sets `site` to `value` wherever it is in the tree (only the first disk's where `first`).
fn set<'a>(root: &mut Node<'a>, site: &Site, value: &str, first: bool) {
    let mut done = false;
    each(root, site.path, &mut |node| {
        if first && done {
            return;
        }
        done = true;
        match site.attribute {
            Some(attribute) => node.set(attribute, value.to_string()),
            None => node.set_text(value.to_string()),
        }
    });
}

fn applies(site: &Site, profile: Profile, mode: Mode) -> bool {
    match site.shape {
        Shape::Internal => mode.options(profile).internal,
        Shape::Any | Shape::Unix => true,
    }
}

/// A planned document: its name, whether it needs the unix server, and its edits.
struct Plan {
    name: String,
    /// What the pass writes once: the name, or for a value shared by every place in its
    /// range, the value alone (whose places depend on the mode).
    key: String,
    unix: bool,
    /// (site, value, first occurrence only).
    edits: Vec<(&'static Site, String, bool)>,
    /// A change of the element tree beyond setting values (repeatable elements).
    shape: Option<fn(&mut Node)>,
}

fn plan(name: String, unix: bool, edits: Vec<(&'static Site, String, bool)>) -> Plan {
    Plan {
        key: name.clone(),
        name,
        unix,
        edits,
        shape: None,
    }
}

/// Every planned document, in the pass's order: first those that share a document among
/// many places (numbers in every place's range, strings at every free-text place,
/// repeated elements), then those of one place each (numbers beyond a place's range and
/// spellings, near misses of enumerated values, strings at places with a pattern), one
/// place's turn about with the others'. `present` says which sites a (profile, mode) has.
fn plans(present: &dyn Fn(&Site) -> bool) -> Vec<Plan> {
    // Documents that put a value at many places come first, then those of one place.
    let mut out = Vec::new();
    let mut single: Vec<Plan> = Vec::new();
    let numeric: Vec<&Site> = SITES
        .iter()
        .filter(|s| matches!(s.datatype, Datatype::Number(_)) && present(s))
        .collect();
    for s in SITES.iter().filter(|s| present(s)) {
        let Datatype::Enumerated(value) = s.datatype else {
            continue;
        };
        for (label, miss) in near_misses(value) {
            single.push(plan(
                format!("near-miss={label}@{}", s.name),
                false,
                vec![(s, miss, true)],
            ));
        }
    }
    for (label, value) in numbers() {
        let number: Option<u128> = value
            .parse()
            .ok()
            .filter(|_| value.bytes().all(|b| b.is_ascii_digit()));
        let (inside, outside): (Vec<&Site>, Vec<&Site>) = numeric.iter().partition(
            |s| matches!((s.datatype, number), (Datatype::Number(max), Some(n)) if n <= max),
        );
        if !inside.is_empty() {
            let names: Vec<&str> = inside.iter().map(|s| s.name).collect();
            let mut p = plan(
                format!("number={label}@{}", names.join(",")),
                false,
                inside.iter().map(|s| (*s, value.clone(), false)).collect(),
            );
            p.key = format!("number={label}");
            out.push(p);
        }
        for s in outside.into_iter().filter(|s| first_outside(s, number)) {
            single.push(plan(
                format!("number={label}@{}", s.name),
                false,
                vec![(s, value.clone(), true)],
            ));
        }
    }
    let free: Vec<&Site> = SITES
        .iter()
        .filter(|s| s.datatype == Datatype::Text && present(s))
        .collect();
    for (label, value) in strings() {
        let names: Vec<&str> = free.iter().map(|s| s.name).collect();
        out.push(plan(
            format!("string={label}@{}", names.join(",")),
            false,
            free.iter().map(|s| (*s, value.clone(), false)).collect(),
        ));
    }
    for s in SITES
        .iter()
        .filter(|s| s.datatype == Datatype::Pattern && present(s))
    {
        let unix = s.shape == Shape::Unix;
        let is_path = s.name != "server@name";
        for (label, value) in strings()
            .into_iter()
            .filter(|(l, _)| PATTERN_KINDS.contains(l))
        {
            let value = if is_path && label != "refused-by-patterns" && label != "empty" {
                format!("/{value}")
            } else {
                value
            };
            single.push(plan(
                format!("string={label}@{}", s.name),
                unix,
                vec![(s, value, true)],
            ));
        }
    }
    let repeat = |name: &str, shape: fn(&mut Node)| Plan {
        name: name.into(),
        key: name.into(),
        unix: false,
        edits: Vec::new(),
        shape: Some(shape),
    };
    out.push(repeat("disks*0", |root| {
        if let Some(disks) = root.child_mut("disks") {
            disks.retain_children(|_| false);
        }
    }));
    out.push(repeat("disks*1", |root| {
        if let Some(disks) = root.child_mut("disks") {
            let mut n = 0;
            disks.retain_children(|_| {
                n += 1;
                n == 1
            });
        }
    }));
    out.push(repeat("disks*10", |root| {
        if let Some(disks) = root.child_mut("disks") {
            let first = disks.children_mut().next().cloned();
            if let Some(first) = first {
                for i in 0..8 {
                    let mut disk = first.clone();
                    disk.set("name", format!("vd{}", char::from(b'c' + i)));
                    disks.push_child(disk);
                }
            }
        }
    }));
    out.push(repeat("disks*same-name-twice", |root| {
        if let Some(disks) = root.child_mut("disks") {
            let first = disks.children_mut().next().cloned();
            if let Some(first) = first {
                disks.push_child(first);
            }
        }
    }));
    out.push(repeat("seclabel*2", |root| {
        each(root, STORE, &mut |store| {
            let mut label = Node::element("seclabel");
            label.set("model", "selinux");
            label.set("relabel", "no");
            store.push_child(label);
        });
    }));
    out.push(repeat("seclabel*0", |root| {
        each(root, STORE, &mut |store| {
            store.retain_children(|n| n.name != "seclabel")
        });
    }));
    out.push(repeat("seclabel*same-model-twice", |root| {
        each(root, STORE, &mut |store| {
            let label = store.child_mut("seclabel").cloned();
            if let Some(label) = label {
                store.push_child(label);
            }
        });
    }));
    // One place's documents turn about with the others': every place once before any
    // place twice.
    let mut by_place: Vec<(String, std::collections::VecDeque<Plan>)> = Vec::new();
    for p in single {
        let place = p
            .name
            .split_once('@')
            .map_or("", |(_, place)| place)
            .to_string();
        match by_place.iter_mut().find(|(name, _)| *name == place) {
            Some((_, plans)) => plans.push_back(p),
            None => by_place.push((place, std::collections::VecDeque::from([p]))),
        }
    }
    while !by_place.is_empty() {
        for (_, plans) in &mut by_place {
            if let Some(p) = plans.pop_front() {
                out.push(p);
            }
        }
        by_place.retain(|(_, plans)| !plans.is_empty());
    }
    out
}

/// The pass's documents for the combinations `combos` (profile and mode pairs): every
/// planned document once, in the first combination (from a rotating start) that has all
/// of its places, spelled from `seed`.
///
/// A document that changes one place and that the reference accepts is put together with
/// other such documents (of other places, in a combination that has them all) as long as
/// the reference accepts them together: a correct parser reads every value the same way
/// alone or together, and a budget holds more of them. What libvirt says of a case is
/// still the reference's answer when the case is checked; the pass only asks it which
/// documents can share.
pub fn boundary_cases(combos: &[(Profile, Mode)], seed: u64) -> Vec<BoundaryCase> {
    let per_combo: Vec<Vec<Plan>> = combos
        .iter()
        .map(|&(profile, mode)| plans(&|s: &Site| applies(s, profile, mode)))
        .collect();
    // The pass's order: the plans of every combination, interleaved, each key once.
    let mut order: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let longest = per_combo.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..longest {
        for plans in &per_combo {
            if let Some(p) = plans.get(i) {
                if seen.insert(p.key.as_str()) {
                    order.push(p.key.as_str());
                }
            }
        }
    }
    struct Doc<'a> {
        combo: usize,
        plans: Vec<&'a Plan>,
        seed: u64,
        shared: bool,
    }
    let accepted = |plans: &[&Plan], combo: usize, seed: u64| {
        let (profile, mode) = combos[combo];
        let case = write(plans, profile, mode, seed);
        domainbackup_model::process(&case.document, mode.options(profile)).is_ok()
    };
    let place = |p: &Plan| p.edits.first().map(|e| e.0.name);
    let mut docs: Vec<Doc> = Vec::with_capacity(order.len());
    for (n, key) in order.into_iter().enumerate() {
        let found = (0..combos.len()).find_map(|offset| {
            let c = (n + offset) % combos.len();
            per_combo[c].iter().find(|p| p.key == key).map(|p| (c, p))
        });
        let Some((c, p)) = found else {
            continue;
        };
        let spelled = seed ^ (n as u64).wrapping_mul(0x2545_F491_4F6C_DD1D);
        let single = p.shape.is_none() && p.edits.len() == 1;
        if single && accepted(&[p], c, spelled) {
            let joined = docs.iter_mut().filter(|d| d.shared).find_map(|d| {
                let q = per_combo[d.combo].iter().find(|q| q.key == key)?;
                let fits = d.plans[0].unix == q.unix
                    && d.plans.iter().all(|r| place(r) != place(q))
                    && accepted(&[&d.plans[..], &[q]].concat(), d.combo, d.seed);
                fits.then(|| d.plans.push(q))
            });
            if joined.is_none() {
                docs.push(Doc {
                    combo: c,
                    plans: vec![p],
                    seed: spelled,
                    shared: true,
                });
            }
            continue;
        }
        docs.push(Doc {
            combo: c,
            plans: vec![p],
            seed: spelled,
            shared: false,
        });
    }
    docs.into_iter()
        .map(|d| {
            let (profile, mode) = combos[d.combo];
            write(&d.plans, profile, mode, d.seed)
        })
        .collect()
}

/// The document of `plans` together: their edits on one base (the unix server's if the
/// first needs it), named by their names joined with `+`.
fn write(plans: &[&Plan], profile: Profile, mode: Mode, seed: u64) -> BoundaryCase {
    let unix = plans.first().is_some_and(|p| p.unix);
    let def = base(profile, mode, unix);
    let target = Target {
        profile,
        internal: mode.options(profile).internal,
    };
    let text = render::render_edited(&def, target, seed, |root| {
        for p in plans {
            for (s, value, first) in &p.edits {
                set(root, s, value, *first);
            }
            if let Some(shape) = p.shape {
                shape(root);
            }
        }
    });
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    BoundaryCase {
        profile,
        mode,
        name: names.join("+"),
        document: text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every document starts valid: what a case tries is its one value, not a base that
    /// libvirt refuses anyway.
    #[test]
    fn the_base_documents_are_accepted() {
        for profile in Profile::ALL {
            for mode in Mode::ALL {
                for unix in [false, true] {
                    let p = plan("base".into(), unix, Vec::new());
                    for seed in 0..8 {
                        let case = write(&[&p], profile, mode, seed);
                        let outcome =
                            domainbackup_model::process(&case.document, mode.options(profile));
                        assert!(
                            outcome.is_ok(),
                            "{profile} {mode} unix={unix} seed {seed}: {:?}\n{}",
                            outcome.err().map(|r| r.to_line()),
                            String::from_utf8_lossy(&case.document)
                        );
                    }
                }
            }
        }
    }

    /// The packed documents (a value in every place's range) are accepted too, where no
    /// value of theirs is one libvirt refuses: the number edges within u16.
    #[test]
    fn packed_numbers_within_every_range_are_accepted() {
        for profile in Profile::ALL {
            for mode in Mode::ALL {
                let plans = plans(&|s: &Site| applies(s, profile, mode));
                for p in plans.iter().filter(|p| {
                    [
                        "number=0@",
                        "number=1@",
                        "number=255@",
                        "number=32768@",
                        "number=65535@",
                    ]
                    .iter()
                    .any(|n| p.name.starts_with(n))
                }) {
                    let case = write(&[p], profile, mode, 3);
                    let outcome =
                        domainbackup_model::process(&case.document, mode.options(profile));
                    assert!(
                        outcome.is_ok(),
                        "{profile} {mode} {}: {:?}",
                        p.name,
                        outcome.err().map(|r| r.to_line())
                    );
                }
            }
        }
    }

    /// Documents that share are accepted together, and every planned document is in the
    /// pass once, alone or shared.
    #[test]
    fn shared_documents_are_accepted_and_every_plan_is_written_once() {
        for profile in Profile::ALL {
            let combos: Vec<(Profile, Mode)> = [Mode::Parse, Mode::Align, Mode::Internal]
                .into_iter()
                .map(|m| (profile, m))
                .collect();
            let cases = boundary_cases(&combos, 5);
            let mut written: Vec<String> = Vec::new();
            let mut shared = 0;
            for case in &cases {
                let names: Vec<&str> = case.name.split('+').collect();
                if names.len() > 1 {
                    shared += 1;
                    let outcome =
                        domainbackup_model::process(&case.document, case.mode.options(profile));
                    assert!(
                        outcome.is_ok(),
                        "{profile} {}: {:?}",
                        case.name,
                        outcome.err().map(|r| r.to_line())
                    );
                }
                written.extend(names.into_iter().map(String::from));
            }
            assert!(shared > 0, "{profile}: some documents share");
            let mut keys: Vec<String> = Vec::new();
            for &(p, m) in &combos {
                for plan in plans(&|s: &Site| applies(s, p, m)) {
                    if !keys.contains(&plan.key) {
                        keys.push(plan.key);
                    }
                }
            }
            assert_eq!(written.len(), keys.len(), "{profile}: {written:?}");
            let mut unique = written.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), written.len(), "{profile}: a plan twice");
        }
    }
}
