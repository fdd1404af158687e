//! The reader's document type declaration parser, its table of encoding names and the
//! escapes the formatter writes, each held directly, beside the documents of the corpus
//! that reach them through the whole pipeline.

use domainbackup_harness::xml::escape;
use domainbackup_harness::xml::probe::{self, Doctype};
use domainbackup_harness::xml::read;

fn ok(text: &str) -> Doctype {
    probe::doctype(text, false).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

fn bad(text: &str) {
    assert!(
        probe::doctype(text, false).is_err(),
        "{text} should be refused"
    );
}

/// Declarations libxml2 reads, and what the reader keeps of them: the first declaration of
/// each entity with its character references decoded, external entities without a value,
/// element declarations and whether their content is mixed, parameter entity references.
#[test]
fn declarations_libxml2_accepts() {
    ok("<!DOCTYPE domainbackup>");
    ok("<!DOCTYPE d SYSTEM 'x.dtd'>");
    ok("<!DOCTYPE d PUBLIC '-//A//B' \"x.dtd\" >");
    let d = ok(
        "<!DOCTYPE d [ <!ENTITY e 'a&#60;b'> <!ENTITY e 'second'> <!ENTITY x SYSTEM 'file:///etc/passwd'> <!ELEMENT d (a|b)*> <!ELEMENT a (#PCDATA)> <!ATTLIST d mode (push|pull) 'push' x CDATA #IMPLIED> <!NOTATION n PUBLIC 'p'> <!-- c --> <?pi x?> ]>",
    );
    assert_eq!(
        d.entities,
        vec![
            ("e".to_string(), Some("a<b".to_string())),
            ("x".to_string(), None)
        ]
    );
    assert_eq!(
        d.elements,
        vec![("d".to_string(), false), ("a".to_string(), true)]
    );
    assert!(!d.external_subset && !d.pe_references);
    assert!(ok("<!DOCTYPE d SYSTEM 'x.dtd'>").external_subset);
    let d = ok("<!DOCTYPE d [<!ENTITY % p '<!ENTITY e \"v\">'> %p;]>");
    assert!(d.pe_references);
    assert_eq!(d.entities, vec![("e".to_string(), Some("v".to_string()))]);
    ok("<!DOCTYPE d SYSTEM 'x' [%undeclared;]>");
    assert!(probe::doctype("<!DOCTYPE d SYSTEM 'x' [%undeclared;]>", true).is_err());
}

/// Declarations libxml2 refuses, one syntax error each.
#[test]
fn declarations_libxml2_refuses() {
    for text in [
        "<!doctype d>",
        "<!DOCTYPEa domainbackup>",
        "<!DOCTYPE dolaininbTYPE domainbackup>",
        "<!DOCTYPE d SYSTEM>",
        "<!DOCTYPE d SYSTEM'x'>",
        "<!DOCTYPE d PUBLIC 'p'>",
        "<!DOCTYPE d PUBLIC 'a{b' 'x'>",
        "<!DOCTYPE d [<!ENTITY e \"x>]>",
        "<!DOCTYPE d [<!ENTITY e 'a%b'>]>",
        "<!DOCTYPE d [<!ENTITY e 'a&b'>]>",
        "<!DOCTYPE d [<!ENTITY e 'x' junk>]>",
        "<!DOCTYPE d [<bel model='ap'>]>",
        "<!DOCTYPE d [<!ELEMENT d (a|b,c)>]>",
        "<!DOCTYPE d [<!ELEMENT d (#PCDATA|a)>]>",
        "<!DOCTYPE d [<!ATTLIST d a CDATA>]>",
        "<!DOCTYPE d [<!ATTLIST d a CDATA 'x'b CDATA #IMPLIED>]>",
        "<!DOCTYPE d [%p;]>",
        "<!DOCTYPE d [<!-- a -- b -->]>",
        "<!DOCTYPE d [<![INCLUDE[ ]]>]>",
        "<!DOCTYPE d [ ] x>",
    ] {
        bad(text);
    }
}

/// Encoding names as libxml2 on Debian bookworm finds them: its own names, glibc's iconv
/// names in any case, ICU's loosely compared aliases (with and without `x-`) and its data
/// file names exactly as written.
#[test]
fn encoding_names_as_libxml2_finds_them() {
    for name in [
        "UTF-8",
        "utf-16",
        "Latin-1",
        "latin1",
        "L1",
        "EBCDIC-US",
        "x-UTF-8",
        "HTML",
        "ISO-LATIN-2",
        "ibm-33722_P12A_P12A-2004_U2",
        "LMBCs4-",
        "WCHAR_T",
    ] {
        assert!(probe::is_supported_encoding(name), "{name}");
    }
    for name in [
        "UTF-4",
        "INTERNAL",
        "X-UTF-8",
        "x-x-UTF-8",
        "iso2022",
        "IBM-33722_P12A_P12A-2004_U2",
        "F-8TU",
    ] {
        assert!(!probe::is_supported_encoding(name), "{name}");
    }
}

/// What the harness's writers escape reads back as written, in an attribute and in text.
#[test]
fn lossless_escapes_read_back() {
    let value = "a&b<c>d'e\"f\tg\nh\ri\u{e9}";
    let mut doc = String::from("<a v='");
    escape::attribute_value(value, &mut doc);
    doc.push_str("'>");
    escape::text(value, &mut doc);
    doc.push_str("</a>");
    let read = read::read(doc.as_bytes()).expect("well-formed");
    assert_eq!(read.root.prop("v"), Some(value));
    assert_eq!(read.root.string_value(), value);
}

/// libvirt's own escape drops control characters and borrows text that needs none.
#[test]
fn libvirt_drops_control_characters() {
    assert_eq!(escape::libvirt("a\u{1}<b>"), "a&lt;b&gt;");
    assert!(matches!(
        escape::libvirt("plain"),
        std::borrow::Cow::Borrowed("plain")
    ));
}
