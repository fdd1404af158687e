//! The words of the grammar-aware mutator and of the libFuzzer dictionary: the names and
//! enumerated values of [`crate::vocabulary`], the edge values and markup only fuzzing
//! wants, and subtrees of the grammar (and of libvirt's parser) to splice in.
//!
//! It must not mutate anything itself (see [`super::mutator`]).

use std::sync::OnceLock;

use crate::xml::read;
use crate::xml::tree::Element;

/// Element names: the vocabulary's.
pub use crate::vocabulary::ELEMENTS as ELEMENT_NAMES;

/// Attribute names: the vocabulary's.
pub use crate::vocabulary::ATTRIBUTES as ATTRIBUTE_NAMES;

/// Values beyond the enumerations: the edges of the grammar's patterns and numbers, names
/// and paths, and text that needs escaping.
const EDGE_VALUES: &[&str] = &[
    "",
    " ",
    " push ",
    "dac",
    "selinux",
    "vda",
    "vdb",
    "hda",
    "sdb",
    "xvda",
    "ubda",
    "fd0",
    "ioemu:hda",
    "vdextradisk",
    "v",
    "localhost",
    "host.example.org",
    "127.0.0.1",
    "::1",
    "fe80::1",
    "12345::1",
    "a_b",
    "/",
    "/path/to/file",
    "/dev/sdz",
    "relative/path",
    "C:\\x",
    "0",
    "1",
    "010",
    "+1",
    "-1",
    " 1",
    "1 ",
    "10809",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f",
    "0A81F5B284037B23C8D621CCC2F80D6F",
    "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6",
    "aes",
    "256",
    "cbc",
    "sha256",
    "plain64",
    "1525889631",
    "preserve",
    "x\ty",
    "a\nb",
    "c\rd",
    "<&'\">",
    "\u{e9}\u{20ac}",
];

/// Attribute and text values: every enumerated value of the vocabulary, then
/// the edge values of fuzzing (numbers, names, paths, text that needs escaping).
pub fn values() -> &'static [&'static str] {
    static VALUES: OnceLock<Vec<&'static str>> = OnceLock::new();
    VALUES.get_or_init(|| {
        let mut values = crate::vocabulary::enumerated_values();
        for edge in EDGE_VALUES {
            if !values.contains(edge) {
                values.push(edge);
            }
        }
        values
    })
}

/// Markup that is not a name or value: declarations, references, sections, namespaces.
const MARKUP: &[&str] = &[
    "<?xml version='1.0'?>",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    "<!DOCTYPE domainbackup>",
    "<!DOCTYPE domainbackup [<!ENTITY e \"x\">]>",
    "<!ENTITY",
    "SYSTEM \"file:///etc/hostname\"",
    "&e;",
    "&#9;",
    "&#10;",
    "&#13;",
    "&#x1F600;",
    "&amp;",
    "&lt;",
    "&gt;",
    "&apos;",
    "&quot;",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?pi?>",
    "/>",
    "</",
    "='",
    "=\"",
    " xmlns='urn:x'",
    " xmlns:x='urn:x'",
    "x:",
    "xml:space='preserve'",
    "\u{FEFF}",
];

/// The libFuzzer dictionary of the grammar, generated from the vocabulary: markup, then
/// `<element` and `</element>` for every element, ` attribute='` for every attribute,
/// then every value. `fuzz/domainbackup.dict` is this text (a test holds it there).
pub fn dictionary() -> String {
    let mut out = String::from(
        "# libFuzzer dictionary for domainbackup-harness, generated from the vocabulary\n\
         # (src/vocabulary.rs and the fuzz words of src/fuzzing/vocabulary.rs): do not edit.\n\
         # Rewrite it with `DOMAINBACKUP_UPDATE_DICT=1 cargo test --test fuzz_replay`.\n",
    );
    let mut section = |title: &str, entries: &mut dyn Iterator<Item = (String, String)>| {
        out.push_str(&format!("\n# {title}\n"));
        for (key, value) in entries {
            out.push_str(&format!("{key}=\"{}\"\n", dictionary_escape(&value)));
        }
    };
    section(
        "Markup",
        &mut MARKUP
            .iter()
            .enumerate()
            .map(|(i, m)| (format!("markup_{}", i + 1), m.to_string())),
    );
    section(
        "Elements",
        &mut ELEMENT_NAMES.iter().flat_map(|e| {
            [
                (format!("element_{}", dictionary_key(e)), format!("<{e}")),
                (
                    format!("element_{}_end", dictionary_key(e)),
                    format!("</{e}>"),
                ),
            ]
        }),
    );
    section(
        "Attributes",
        &mut ATTRIBUTE_NAMES.iter().map(|a| {
            (
                format!("attribute_{}", dictionary_key(a)),
                format!(" {a}='"),
            )
        }),
    );
    section(
        "Values",
        &mut values()
            .iter()
            .filter(|v| !v.is_empty())
            .enumerate()
            .map(|(i, v)| (format!("value_{}", i + 1), v.to_string())),
    );
    out
}

/// A name as a dictionary key: `xml:space` → `xml_space`.
fn dictionary_key(name: &str) -> String {
    name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// A libFuzzer dictionary value: printable ASCII as itself but `"` and `\\`, every other
/// byte as `\xNN`.
fn dictionary_escape(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7E => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out
}

/// Subtrees of the grammar (and of libvirt's parser), spliced into documents by
/// [`mutate`](super::mutate).
const SNIPPETS: &[&str] = &[
    "<incremental>1525889631</incremental>",
    "<incremental> </incremental>",
    "<server transport='tcp' name='localhost' port='10809'/>",
    "<server name='127.0.0.1' tls='yes'/>",
    "<server transport='unix' socket='/run/nbd.sock'/>",
    "<server transport='fd' fdgroup='nbd'/>",
    "<server transport='rdma' name='h'/>",
    "<disks><disk name='vda'/></disks>",
    "<disk name='vda' backup='no'/>",
    "<disk name='vdb' type='file'><target file='/backup/vdb.img'/><driver type='raw'/></disk>",
    "<disk name='vdc' backup='yes' type='block' backupmode='incremental' incremental='cp1'><target dev='/dev/sdz'/></disk>",
    "<disk name='vdd' type='file' exportname='e' exportbitmap='b'><scratch file='/s'/><driver type='qcow2'/></disk>",
    "<disk name='vde' type='block'><scratch dev='/dev/sdy'/></disk>",
    "<disk name='vdf' state='running' index='3' backupmode='full'/>",
    "<target file='/t'/>",
    "<scratch file='/s' fdgroup='g'/>",
    "<driver type='qcow2'/>",
    "<seclabel model='dac' relabel='no'/>",
    "<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>",
    "<seclabel labelskip='yes'/>",
    "<encryption format='luks'><secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></encryption>",
    "<encryption format='luks' engine='qemu'><secret type='passphrase' usage='u'/><cipher name='aes' size='256' mode='cbc' hash='sha256'/><ivgen name='plain64' hash='sha256'/></encryption>",
    "<cipher name='aes' size='4294967296'/>",
    "<ivgen name='plain64'/>",
    "<privateData><objects><secret type='tlskey' alias='objsec'/><TLSx509 alias='objtls'/></objects></privateData>",
    "<privateData><nodenames><nodename type='storage' name='n'/></nodenames></privateData>",
    "<auth username='u'><secret type='ceph' usage='x'/></auth>",
    "<reservations managed='yes'/>",
    "<slices><slice type='storage' offset='0' size='512'/></slices>",
    "<dataStore type='file'><source file='/d'/><format type='raw'/></dataStore>",
    "<label>l</label>",
];

/// [`SNIPPETS`], read as element trees (the ones that read).
pub(super) fn snippets() -> &'static [Element] {
    static PARSED: OnceLock<Vec<Element>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SNIPPETS
            .iter()
            .filter_map(|s| read::read(s.as_bytes()).ok())
            .map(|d| d.root)
            .collect()
    })
}
