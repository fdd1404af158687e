//! Differential test of the schema stage against libxml2's own RELAX NG validator.
//!
//! Several thousand documents are generated deterministically (the upstream xml2xml vectors
//! and a few hand-written seeds, mutated: attributes and elements dropped, duplicated,
//! renamed, moved and swapped, values replaced by edge values, text, CDATA, comments and
//! processing instructions inserted, namespaces added; plus documents that vary one pattern
//! value at a time), written to a temporary directory and validated with one
//! `xmllint --noout --noblanks --relaxng <schema> f1 f2 ...` call per batch and profile.
//! `xml::schema::check` must give xmllint's verdict for every document our reader accepts.
//!
//! Needs `xmllint` (Debian: `libxml2-utils`); run with
//! `cargo test --features agreement --test schema_xmllint -- --nocapture`
//! (`SCHEMA_XMLLINT_SEED=<u64>` generates a different set of documents).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use domainbackup_harness::Profile;
use domainbackup_harness::generator::Rng;
use domainbackup_harness::xml::escape;
use domainbackup_harness::xml::{Element, Node, read, schema};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/libvirt");

/// Documents per xmllint invocation.
const BATCH: usize = 1500;
/// Mutated documents generated from the seed pool.
const MUTANTS: usize = 6000;
/// Documents varying one pattern-constrained value.
const VALUE_DOCS: usize = 2500;

fn schema_path(profile: Profile) -> String {
    match profile {
        Profile::V9_0 => format!("{ROOT}/history/v9.0.0/src/conf/schemas/domainbackup.rng"),
        _ => format!("{ROOT}/src/conf/schemas/domainbackup.rng"),
    }
}

// ---------------------------------------------------------------------------------------
// A deterministic generator.

/// The crate's seeded generator, with the two helpers this test draws with.
trait Draw {
    fn chance(&mut self, percent: u64) -> bool;
    fn one_of<'a, T>(&mut self, items: &'a [T]) -> &'a T;
}

impl Draw for Rng {
    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    fn one_of<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Every list this test picks from is non-empty.
        self.pick(items).expect("a non-empty list")
    }
}

/// A mutable document tree; namespace declarations are ordinary attributes here.
#[derive(Clone, Debug)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    kids: Vec<Kid>,
}

#[derive(Clone, Debug)]
enum Kid {
    El(El),
    Text(String),
    Cdata(String),
    Comment(String),
    Pi(String),
}

impl El {
    fn new(name: &str) -> El {
        El {
            name: name.to_string(),
            attrs: Vec::new(),
            kids: Vec::new(),
        }
    }

    fn from_tree(e: &Element) -> El {
        let mut out = El::new(&e.qualified_name());
        out.attrs = e
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), a.value.clone()))
            .collect();
        for n in &e.children {
            out.kids.push(match n {
                Node::Element(c) => Kid::El(El::from_tree(c)),
                Node::Text(t) if t.cdata => Kid::Cdata(t.value.clone()),
                Node::Text(t) => Kid::Text(t.value.clone()),
                Node::Comment(_) => Kid::Comment("c".into()),
                Node::ProcessingInstruction(_) => Kid::Pi("pi x".into()),
                // Seeds hold no entity declarations: a reference would not survive writing.
                Node::EntityReference(r) => Kid::Text(r.value.clone()),
            });
        }
        out
    }

    fn set_attr(&mut self, name: &str, value: &str) {
        match self.attrs.iter_mut().find(|(n, _)| n == name) {
            Some(a) => a.1 = value.to_string(),
            None => self.attrs.push((name.to_string(), value.to_string())),
        }
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (n, v) in &self.attrs {
            out.push(' ');
            out.push_str(n);
            out.push_str("='");
            escape::attribute_value(v, out);
            out.push('\'');
        }
        if self.kids.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for k in &self.kids {
            match k {
                Kid::El(e) => e.write(out),
                Kid::Text(t) => escape::text(t, out),
                Kid::Cdata(t) => {
                    out.push_str("<![CDATA[");
                    out.push_str(t);
                    out.push_str("]]>");
                }
                Kid::Comment(t) => {
                    out.push_str("<!--");
                    out.push_str(t);
                    out.push_str("-->");
                }
                Kid::Pi(t) => {
                    out.push_str("<?");
                    out.push_str(t);
                    out.push_str("?>");
                }
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }

    fn to_xml(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }

    /// Paths (child indices) of every element, the root being the empty path.
    fn paths(&self, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(prefix.clone());
        for (i, k) in self.kids.iter().enumerate() {
            if let Kid::El(e) = k {
                prefix.push(i);
                e.paths(prefix, out);
                prefix.pop();
            }
        }
    }

    fn at(&mut self, path: &[usize]) -> &mut El {
        match path.split_first() {
            None => self,
            Some((i, rest)) => match &mut self.kids[*i] {
                Kid::El(e) => e.at(rest),
                _ => unreachable!("paths only name elements"),
            },
        }
    }
}

const ELEMENTS: &[&str] = &[
    "domainbackup",
    "incremental",
    "server",
    "disks",
    "disk",
    "target",
    "scratch",
    "driver",
    "seclabel",
    "label",
    "encryption",
    "secret",
    "cipher",
    "ivgen",
    "privateData",
    "foo",
];

const ATTRIBUTES: &[&str] = &[
    "mode",
    "name",
    "type",
    "backup",
    "backupmode",
    "incremental",
    "exportname",
    "exportbitmap",
    "tls",
    "transport",
    "port",
    "socket",
    "fdgroup",
    "file",
    "dev",
    "model",
    "relabel",
    "labelskip",
    "format",
    "engine",
    "uuid",
    "usage",
    "size",
    "hash",
    "state",
    "index",
    "foo",
];

/// Values at the edges of what the schema accepts.
const EDGE_VALUES: &[&str] = &[
    "",
    "  ",
    "push",
    " push ",
    "pull",
    "pu ll",
    "pull\n",
    "yes",
    " no",
    "no ",
    "YES",
    "default",
    "file",
    " block",
    "dir",
    "tcp",
    "unix",
    " unix",
    "fd",
    "fd ",
    "rdma",
    "luks",
    "qcow2",
    " qcow2",
    "raw",
    "QCOW2",
    "full",
    "incremental",
    " full",
    "passphrase",
    "qemu",
    "librbd",
    "vda",
    "ioemu:hda",
    "vd",
    "xvdA_1",
    "sda ",
    "hdé",
    "/x",
    "/",
    "C:\\x",
    "c:\\",
    "1:\\x",
    "//",
    "/a\nb",
    "/a\r",
    "/\t",
    "0",
    "00",
    "010",
    "65536",
    "4294967295",
    "4294967296",
    "00004294967295",
    "+1",
    " 1",
    "1 ",
    "-1",
    "1.0",
    "١",
    "localhost",
    "a_b",
    "1.2.3.4",
    "1.2.3.256",
    "::1",
    "12345::1",
    "fffff::",
    "::27af0C",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "::ffff:1.2.3.4",
    "[::1]",
    "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f",
    "0A81F5B284037B23C8D621CCC2F80D6F",
    "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6",
    "0a81f5b2840-37b23-c8d6-21ccc2f80d6f",
    "gggggggggggggggggggggggggggggggg",
    "x y",
    "running",
];

const FRAGMENTS: &[&str] = &[
    "<server name='h'/>",
    "<server transport='unix' socket='/s'/>",
    "<server transport='fd' fdgroup='g'/>",
    "<disks><disk name='vda'/></disks>",
    "<disk name='vdz' type='file'/>",
    "<disk name='vdy' backup='no'/>",
    "<target file='/t'/>",
    "<target dev='/d'/>",
    "<scratch file='/s'/>",
    "<scratch dev='/d'/>",
    "<driver type='qcow2'/>",
    "<driver type='raw'/>",
    "<seclabel relabel='no'/>",
    "<seclabel><label>l</label></seclabel>",
    "<seclabel labelskip='yes'/>",
    "<label>x</label>",
    "<encryption format='luks'><secret type='passphrase' usage='u'/></encryption>",
    "<secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/>",
    "<cipher name='a' size='1'/>",
    "<cipher name='a' size='1' mode='m' hash='h'/>",
    "<ivgen name='b'/>",
    "<incremental>x</incremental>",
];

const OWN_SEEDS: &[&str] = &[
    "<domainbackup mode='pull'><server transport='unix' socket='/run/nbd.sock' tls='no'/><disks><disk name='vda' type='block' backup='yes'><scratch dev='/dev/sdb'><seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label><label>x</label></seclabel><encryption format='luks' engine='qemu'><secret type='passphrase' uuid='0A81F5B284037B23C8D621CCC2F80D6F'/><cipher name='aes' size='256' mode='xts' hash='sha256'/><ivgen name='plain64' hash='sha256'/></encryption></scratch><driver type='qcow2'/></disk></disks></domainbackup>",
    "<domainbackup mode='pull'><server transport='fd' fdgroup=''/><disks><disk name='vdb' exportname='' exportbitmap='b' backupmode='incremental' incremental=''><scratch file='C:\\x'><seclabel labelskip='yes'/></scratch></disk><disk name='sda' backup='no' backupmode='full'/></disks><incremental/></domainbackup>",
    "<domainbackup><incremental>  </incremental><disks><disk name='vdc'/><disk name='vdd' backup='yes'/><disk name='hda' type='block'><driver type='raw'/><target dev='/dev/x'><encryption format='luks'><ivgen name='i'/><secret type='passphrase' usage='u'/><cipher name='c' size='00128'/></encryption></target></disk></disks></domainbackup>",
    "<domainbackup mode='push'><disks><disk name='xvda1' type='file'><target file='/t'><seclabel relabel='no'/><seclabel><label/></seclabel><encryption format='luks'><cipher name='c' size='1'/><secret type='passphrase' usage=''/><ivgen name='p'/></encryption></target></disk></disks></domainbackup>",
    "<domainbackup mode='pull'><server name='::1' port='0'/><disks><disk name='vda'><driver type='qcow2'/><scratch file='/s'/></disk><disk name='vdb'/><disk name='vdc' type='file'/></disks></domainbackup>",
    "<domainbackup mode='pull'><server name='fe80::1' transport='tcp' port='10809' tls='yes'/><incremental>cp1</incremental></domainbackup>",
    "<domainbackup/>",
];

fn edge_value(rng: &mut Rng) -> String {
    if rng.chance(85) {
        rng.one_of(EDGE_VALUES).to_string()
    } else {
        let len = rng.below(12);
        (0..len)
            .map(|_| *rng.one_of(&['a', 'f', '0', '9', ':', '.', '/', '-', '_', ' ']))
            .collect()
    }
}

fn mutate(doc: &mut El, rng: &mut Rng) {
    let mut paths = Vec::new();
    doc.paths(&mut Vec::new(), &mut paths);
    let path = rng.one_of(&paths).clone();
    let is_root = path.is_empty();
    // The parent and index of the chosen element, for the operations that need them.
    let (parent_path, index) = match path.split_last() {
        Some((i, rest)) => (rest.to_vec(), *i),
        None => (Vec::new(), 0),
    };
    let e = doc.at(&path);
    match rng.below(16) {
        0 if !e.attrs.is_empty() => {
            let i = rng.below(e.attrs.len());
            e.attrs.remove(i);
        }
        1 => {
            let name = rng.one_of(ATTRIBUTES);
            let value = edge_value(rng);
            e.set_attr(name, &value);
        }
        2 if !e.attrs.is_empty() => {
            // rename an attribute
            let i = rng.below(e.attrs.len());
            let (_, v) = e.attrs.remove(i);
            let name = rng.one_of(ATTRIBUTES);
            e.set_attr(name, &v);
        }
        3 if e.attrs.len() >= 2 => {
            let i = rng.below(e.attrs.len());
            let j = rng.below(e.attrs.len());
            let v = e.attrs[i].1.clone();
            e.attrs[i].1 = std::mem::replace(&mut e.attrs[j].1, v);
        }
        4 if !e.attrs.is_empty() => {
            let i = rng.below(e.attrs.len());
            e.attrs[i].1 = edge_value(rng);
        }
        5 if !is_root => {
            doc.at(&parent_path).kids.remove(index);
        }
        6 if !is_root => {
            let copy = doc.at(&path).clone();
            let at = if rng.chance(50) { index } else { index + 1 };
            doc.at(&parent_path).kids.insert(at, Kid::El(copy));
        }
        7 if !is_root => e.name = rng.one_of(ELEMENTS).to_string(),
        8 if !is_root => {
            // move the element under another one (not into itself)
            let moved = doc.at(&parent_path).kids.remove(index);
            let mut targets = Vec::new();
            doc.paths(&mut Vec::new(), &mut targets);
            let target = rng.one_of(&targets).clone();
            doc.at(&target).kids.push(moved);
        }
        9 => {
            let kid = match rng.below(8) {
                0 => Kid::Text(" ".into()),
                1 => Kid::Text("\n  ".into()),
                2 => Kid::Text("x".into()),
                3 => Kid::Text(" x ".into()),
                4 => Kid::Text("\t\r\n".into()),
                5 => Kid::Cdata(String::new()),
                6 => Kid::Cdata(" \n".into()),
                _ => Kid::Cdata("x".into()),
            };
            let at = rng.below(e.kids.len() + 1);
            e.kids.insert(at, kid);
        }
        10 => {
            let kid = if rng.chance(50) {
                Kid::Comment(" c ".into())
            } else {
                Kid::Pi("pi data".into())
            };
            let at = rng.below(e.kids.len() + 1);
            e.kids.insert(at, kid);
        }
        11 => match rng.below(6) {
            0 | 1 => {
                e.set_attr("xmlns:x", "urn:x");
                let name = format!("x:{}", rng.one_of(ATTRIBUTES));
                let value = edge_value(rng);
                e.set_attr(&name, &value);
            }
            2 => {
                let name = *rng.one_of(&["xml:lang", "xml:space", "xml:base"]);
                e.set_attr(name, "en");
            }
            3 => e.set_attr("xmlns:y", "urn:y"),
            4 if !is_root => {
                let ns = *rng.one_of(&["urn:z", ""]);
                e.set_attr("xmlns", ns);
            }
            _ => {
                let mut child = El::new(&format!("x:{}", rng.one_of(ELEMENTS)));
                child.set_attr("xmlns:x", "urn:x");
                e.kids.push(Kid::El(child));
            }
        },
        12 => {
            let mut child = El::new(rng.one_of::<&str>(ELEMENTS));
            for _ in 0..rng.below(4) {
                let name = rng.one_of(ATTRIBUTES);
                let value = edge_value(rng);
                child.set_attr(name, &value);
            }
            let at = rng.below(e.kids.len() + 1);
            e.kids.insert(at, Kid::El(child));
        }
        13 => {
            let elements: Vec<usize> = e
                .kids
                .iter()
                .enumerate()
                .filter(|(_, k)| matches!(k, Kid::El(_)))
                .map(|(i, _)| i)
                .collect();
            if elements.len() >= 2 {
                let a = *rng.one_of(&elements);
                let b = *rng.one_of(&elements);
                e.kids.swap(a, b);
            }
        }
        14 => {
            let fragment = rng.one_of(FRAGMENTS);
            let tree = read::read(fragment.as_bytes()).expect("fragments are well-formed");
            e.kids.push(Kid::El(El::from_tree(&tree.root)));
        }
        _ => {
            if e.name == "domainbackup" {
                let mode = *rng.one_of(&["push", "pull", "", " pull ", "default"]);
                e.set_attr("mode", mode);
            } else if e.name == "disk" {
                let name = *rng.one_of(&["backup", "type", "backupmode", "incremental"]);
                let value = *rng.one_of(&["yes", "no", "file", "block", "full", "incremental", ""]);
                e.set_attr(name, value);
            } else {
                e.kids.retain(|k| !matches!(k, Kid::Text(_)));
            }
        }
    }
}

fn upstream_seeds() -> Vec<String> {
    let mut out = Vec::new();
    for dir in [
        format!("{ROOT}/tests"),
        format!("{ROOT}/history/v9.0.0/tests"),
    ] {
        for sub in ["domainbackupxml2xmlin", "domainbackupxml2xmlout"] {
            let d = format!("{dir}/{sub}");
            let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
                .unwrap_or_else(|e| panic!("{d}: {e}"))
                .map(|f| f.expect("directory entry").path())
                .collect();
            files.sort();
            for f in files {
                out.push(
                    std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display())),
                );
            }
        }
    }
    out
}

/// Documents that vary one value constrained by a pattern or a datatype.
fn value_documents(rng: &mut Rng) -> Vec<String> {
    let hex = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| *rng.one_of(&['0', '7', '9', 'a', 'F', 'e', 'B']))
            .collect()
    };
    let mut out = Vec::new();
    for i in 0..VALUE_DOCS {
        let doc = match i % 5 {
            0 | 1 => {
                // IPv6-like host names, where libxml2's regular-expression engine is subtle.
                let mut v = String::new();
                for _ in 0..=rng.below(10) {
                    match rng.below(10) {
                        0..=5 => {
                            let n = *rng.one_of(&[1, 1, 2, 3, 4, 4, 4, 5, 5, 6, 7, 9, 12]);
                            v.push_str(&hex(rng, n));
                        }
                        6 | 7 => v.push(':'),
                        8 => v.push_str("::"),
                        _ => {
                            let parts = *rng.one_of(&[3, 4, 4, 5]);
                            let octets: Vec<String> = (0..parts)
                                .map(|_| {
                                    rng.one_of(&[
                                        "0", "1", "9", "10", "25", "99", "100", "199", "249",
                                        "255", "256",
                                    ])
                                    .to_string()
                                })
                                .collect();
                            v.push_str(&octets.join("."));
                        }
                    }
                    if rng.chance(70) {
                        v.push(':');
                    }
                }
                let mut e = El::new("server");
                e.set_attr("name", &v);
                format!("<domainbackup mode='pull'>{}</domainbackup>", e.to_xml())
            }
            2 => {
                let v = match rng.below(3) {
                    0 => {
                        let n = *rng.one_of(&[31, 32, 32, 33]);
                        hex(rng, n)
                    }
                    1 => {
                        let lens = [8, 4, 4, 4, 12];
                        let parts: Vec<String> = lens
                            .iter()
                            .map(|&n| {
                                let n = if rng.chance(10) { n + 1 } else { n };
                                hex(rng, n)
                            })
                            .collect();
                        parts.join(*rng.one_of(&["-", "-", "-", "", "_"]))
                    }
                    _ => edge_value(rng),
                };
                let mut s = El::new("secret");
                s.set_attr("type", "passphrase");
                s.set_attr("uuid", &v);
                format!(
                    "<domainbackup><disks><disk name='vda' type='file'><target file='/t'><encryption format='luks'>{}</encryption></target></disk></disks></domainbackup>",
                    s.to_xml()
                )
            }
            3 => {
                let v: String = match rng.below(3) {
                    0 => (0..rng.below(12))
                        .map(|_| *rng.one_of(&['0', '1', '4', '9', '5', '2']))
                        .collect(),
                    1 => edge_value(rng),
                    _ => format!(
                        "{}{}",
                        "0".repeat(rng.below(30)),
                        rng.one_of(&["4294967295", "4294967296", "42949672950", "1", ""])
                    ),
                };
                let mut e = El::new("server");
                e.set_attr("name", "h");
                e.set_attr("port", &v);
                format!("<domainbackup mode='pull'>{}</domainbackup>", e.to_xml())
            }
            _ => {
                let prefix = *rng.one_of(&["", "", "ioemu:", "IOEMU:", "ioemu"]);
                let dev = *rng.one_of(&["fd", "hd", "sd", "vd", "xvd", "ubd", "x", "ub", ""]);
                let tail: String = (0..rng.below(4))
                    .map(|_| *rng.one_of(&['a', 'Z', '0', '_', ':', '-', 'é']))
                    .collect();
                let path = format!(
                    "{}{}",
                    rng.one_of(&["", "/", "C:\\", "c:", "C:/", "a:\\\\", "\\", "//", "1:\\"]),
                    (0..rng.below(4))
                        .map(|_| *rng.one_of(&['a', '/', '\\', ':', '\n', '\r', '\t', ' ', 'é']))
                        .collect::<String>()
                );
                let mut d = El::new("disk");
                d.set_attr("name", &format!("{prefix}{dev}{tail}"));
                d.set_attr("type", "file");
                let mut t = El::new("target");
                t.set_attr("file", &path);
                d.kids.push(Kid::El(t));
                format!("<domainbackup><disks>{}</disks></domainbackup>", d.to_xml())
            }
        };
        out.push(doc);
    }
    out
}

fn generate() -> Vec<String> {
    // `SCHEMA_XMLLINT_SEED` explores other documents; the default keeps runs reproducible.
    let seed = std::env::var("SCHEMA_XMLLINT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_0FD0_A1BA_C0DE);
    let mut rng = Rng::new(seed);
    let seeds: Vec<String> = upstream_seeds()
        .into_iter()
        .chain(OWN_SEEDS.iter().map(|s| s.to_string()))
        .collect();
    let mut pool: Vec<El> = seeds
        .iter()
        .map(|s| {
            El::from_tree(
                &read::read(s.as_bytes())
                    .expect("seeds are well-formed")
                    .root,
            )
        })
        .collect();
    let mut docs = seeds.clone();
    for _ in 0..MUTANTS {
        let mut d = rng.one_of(&pool).clone();
        let rounds = if rng.chance(70) { 1 } else { 1 + rng.below(3) };
        for _ in 0..rounds {
            mutate(&mut d, &mut rng);
        }
        let text = d.to_xml();
        // Keep documents our model finds valid as further seeds, so that mutations reach
        // deeper into valid structures.
        if pool.len() < 3000 {
            let keep = match read::read(text.as_bytes()) {
                Ok(tree) => schema::validate(&tree, Profile::V11_3).is_ok() || rng.chance(3),
                Err(_) => false,
            };
            if keep {
                pool.push(d);
            }
        }
        docs.push(text);
    }
    docs.extend(value_documents(&mut rng));
    docs
}

// ---------------------------------------------------------------------------------------
// Running xmllint.

fn xmllint_available() -> bool {
    Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// xmllint's verdict for each file (`None` when it printed none, e.g. a parse error).
fn xmllint(schema: &str, files: &[PathBuf]) -> Vec<Option<bool>> {
    let mut verdicts: HashMap<String, bool> = HashMap::new();
    for chunk in files.chunks(BATCH) {
        let output = Command::new("xmllint")
            .args(["--noout", "--noblanks", "--relaxng", schema])
            .args(chunk)
            .output()
            .expect("running xmllint");
        let stderr = String::from_utf8_lossy(&output.stderr);
        for line in stderr.lines() {
            if let Some(f) = line.strip_suffix(" validates") {
                verdicts.insert(f.to_string(), true);
            } else if let Some(f) = line.strip_suffix(" fails to validate") {
                verdicts.insert(f.to_string(), false);
            }
        }
    }
    files
        .iter()
        .map(|f| verdicts.get(f.to_str().expect("utf-8 path")).copied())
        .collect()
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> TempDir {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("schema-xmllint-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    TempDir(dir)
}

#[test]
fn schema_agrees_with_xmllint() {
    assert!(
        xmllint_available(),
        "xmllint is not installed: install libxml2-utils (Debian/Ubuntu: apt-get install libxml2-utils) to run this test"
    );
    for profile in Profile::ALL {
        assert!(
            Path::new(&schema_path(profile)).is_file(),
            "missing schema {}",
            schema_path(profile)
        );
    }
    let docs = generate();
    let dir = temp_dir();
    let mut files = Vec::new();
    let mut trees = Vec::new();
    let mut unreadable = 0usize;
    for (i, text) in docs.iter().enumerate() {
        match read::read(text.as_bytes()) {
            Ok(tree) => {
                let path = dir.0.join(format!("f{i}.xml"));
                std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                files.push(path);
                trees.push((text, tree));
            }
            Err(_) => unreadable += 1,
        }
    }
    println!(
        "schema_xmllint: {} documents generated, {} skipped (not well-formed for our reader), {} checked",
        docs.len(),
        unreadable,
        trees.len()
    );
    let mut failures = Vec::new();
    for profile in Profile::ALL {
        let expected = xmllint(&schema_path(profile), &files);
        let (mut valid, mut invalid) = (0usize, 0usize);
        for ((text, tree), (path, verdict)) in trees.iter().zip(files.iter().zip(expected)) {
            let Some(verdict) = verdict else {
                failures.push(format!(
                    "{profile}: xmllint gave no verdict for {} (libxml2 and our reader disagree on well-formedness):\n{text}",
                    path.display()
                ));
                continue;
            };
            if verdict {
                valid += 1
            } else {
                invalid += 1
            }
            let ours = schema::check(tree, profile);
            match schema::validate(tree, profile) {
                Ok(()) => assert!(ours.is_ok(), "check and validate disagree:\n{text}"),
                Err(v) => {
                    assert_eq!(
                        v.rule.stage,
                        domainbackup_harness::Stage::Schema,
                        "not a schema rule {}:\n{text}",
                        v.rule
                    );
                    assert!(ours.is_err(), "check and validate disagree:\n{text}");
                }
            }
            if ours.is_ok() != verdict {
                failures.push(format!(
                    "{profile}: xmllint says {}, check says {}:\n{text}",
                    if verdict { "valid" } else { "invalid" },
                    match &ours {
                        Ok(()) => "valid".to_string(),
                        Err(r) => format!("invalid ({})", r.message.replace('\n', " / ")),
                    }
                ));
            }
        }
        println!(
            "schema_xmllint: profile {profile}: {} documents, {valid} valid, {invalid} invalid",
            valid + invalid
        );
        assert!(
            valid > 500 && invalid > 500,
            "{profile}: the generator should produce both verdicts ({valid} valid, {invalid} invalid)"
        );
    }
    assert!(
        failures.is_empty(),
        "{} disagreements with xmllint; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
