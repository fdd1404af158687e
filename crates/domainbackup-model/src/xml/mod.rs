//! The XML side of the pipeline: reading text into a tree ([`read`]), the RELAX NG rules of
//! `domainbackup.rng` ([`schema`]), libvirt's C parser ([`semantic`]) and its formatter
//! ([`format`](mod@format)).

mod dtd;
mod encodings;
pub mod escape;
pub mod format;
pub mod read;
pub mod schema;
pub mod semantic;
pub mod tree;

pub use tree::{Attribute, Document, Element, EntityReference, Node, Text};

/// Parts of the reader's document type and encoding checks, open to the harness's tests so
/// that each is held directly and not only through whole documents. Not an interface to
/// build on.
#[doc(hidden)]
pub mod probe {
    pub use super::dtd::Doctype;

    /// How libxml2 reads `text`, which starts with `<!DOCTYPE` and ends with `>`, as one
    /// document type declaration (`standalone`: the XML declaration says
    /// `standalone='yes'`): what it declares, or where it is refused and why.
    pub fn doctype(text: &str, standalone: bool) -> Result<Doctype, (usize, String)> {
        super::dtd::parse(text, standalone)
    }

    /// Whether libxml2 finds a handler for the encoding `name` of an XML declaration.
    pub fn is_supported_encoding(name: &str) -> bool {
        super::encodings::is_supported(name)
    }

    /// The port of libxml2's schema regular expressions: whether `pattern` compiles
    /// (`xmlRegexpCompile`) and, if so, whether it matches `input` (`xmlRegexpExec`).
    pub fn xsd_regex_matches(pattern: &str, input: &str) -> Result<bool, &'static str> {
        super::schema::xsd_regex::XsdRegex::compile(pattern).map(|r| r.is_match(input))
    }

    /// libvirt's `ipv6Addr` pattern, the one the schema checker runs through that port.
    pub const IPV6_PATTERN: &str = super::schema::datatypes::IPV6_PATTERN;
}
