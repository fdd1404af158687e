//! Element and attribute names: the vocabulary's names shared rather than copied
//! ([`intern`]), and qualified names split as libxml2 splits them. It never checks that
//! a name is well-formed (the reader does that first) nor resolves a namespace.

use super::characters::is_name_start_char;
use crate::vocabulary;
use crate::xml::tree::Name;

/// The slot of a name in [`NAME_TABLE`]: a hash of its length and three of its bytes.
const fn name_slot(name: &[u8]) -> usize {
    let n = name.len();
    if n == 0 {
        return 0;
    }
    (n ^ (name[0] as usize).wrapping_mul(31)
        ^ (name[n - 1] as usize) << 3
        ^ (name[n / 2] as usize).wrapping_mul(38))
        & 255
}

/// The names the reader shares rather than copies: the vocabulary's element, attribute
/// and storage source names.
const KNOWN_NAMES: [&[&str]; 3] = [
    vocabulary::ELEMENTS,
    vocabulary::ATTRIBUTES,
    vocabulary::STORAGE_SOURCE_NAMES,
];

const fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// [`KNOWN_NAMES`] by [`name_slot`]; building it fails to compile if two names share a slot.
const NAME_TABLE: [&str; 256] = {
    let mut table = [""; 256];
    let mut list = 0;
    while list < KNOWN_NAMES.len() {
        let names = KNOWN_NAMES[list];
        let mut i = 0;
        while i < names.len() {
            let slot = name_slot(names[i].as_bytes());
            // The same name in two lists (`format`, `incremental`) takes one slot.
            if !same_name(table[slot].as_bytes(), names[i].as_bytes()) {
                assert!(table[slot].is_empty(), "two known names share a slot");
                table[slot] = names[i];
            }
            i += 1;
        }
        list += 1;
    }
    table
};

/// The name `name`: shared when it is one of [`KNOWN_NAMES`] (one table look-up and one
/// comparison), owned otherwise.
#[inline]
pub(super) fn intern(name: &str) -> Name {
    let known = NAME_TABLE[name_slot(name.as_bytes())];
    if !known.is_empty() && known == name {
        Name::Borrowed(known)
    } else {
        Name::Owned(name.to_string())
    }
}

/// Splits a qualified name as libxml2's `xmlParseQName` does: the prefix is the part before
/// the first colon when a name character that may start a name follows it; whatever follows
/// a second colon stays in the local name (`b:x:y` is `x:y` with prefix `b`).
#[inline]
pub(super) fn split_qname(qname: &str) -> (Option<&str>, &str) {
    // Names are short: a plain loop finds the colon faster than a vectorised search.
    let Some(colon) = qname.bytes().position(|b| b == b':') else {
        return (None, qname);
    };
    let (prefix, rest) = (&qname[..colon], &qname[colon + 1..]);
    let starts_name = rest
        .chars()
        .next()
        .is_some_and(|c| c != ':' && is_name_start_char(c));
    if prefix.is_empty() || !starts_name {
        return (None, qname);
    }
    (Some(prefix), rest)
}

/// Whether libxml2 can read `qname` as one QName: `p:l:` followed by something that cannot
/// start a name leaves characters in the tag that nothing reads.
#[inline]
pub(super) fn qname_is_complete(qname: &str) -> bool {
    match split_qname(qname) {
        (Some(_), local) => match local.split_once(':') {
            Some((_, tail)) => {
                tail.is_empty() || tail.chars().next().is_some_and(is_name_start_char)
            }
            None => true,
        },
        (None, _) => true,
    }
}

/// Every name of [`KNOWN_NAMES`].
pub(super) fn known_names() -> impl Iterator<Item = &'static str> {
    KNOWN_NAMES.iter().flat_map(|list| list.iter().copied())
}
