//! Reading libvirt's errors: the [`Stage`] a failed `virDomainBackupDefParseString` belongs to,
//! from libvirt's error number and message, and which alignment errors can only mean that the
//! fake domain does not match the xml2xml test's.
//!
//! It only classifies: the code, domain and message stay libvirt's, and nothing here calls
//! libvirt.

#![deny(unsafe_code)]

use std::ffi::c_int;

use super::ffi::{ERR_XML_DETAIL, ERR_XML_ERROR, ERR_XML_INVALID_SCHEMA};
use crate::Stage;

/// The stage of a failed `virDomainBackupDefParseString`, from libvirt's code and message.
pub(super) fn parse_stage(code: c_int, message: &str) -> Stage {
    match code {
        // libxml2's well-formedness errors are reported as "at line N: ..." (no file name
        // is given to the parser); other XML_DETAIL errors come from the C parser (for
        // example a duplicate seclabel model).
        ERR_XML_DETAIL if is_libxml2_message(message) => Stage::WellFormed,
        ERR_XML_ERROR if message.starts_with("XML error: failed to parse xml document") => {
            Stage::WellFormed
        }
        ERR_XML_ERROR
            // At the start: a value quoted later in another message may hold the words.
            if message.starts_with("XML error: expecting root element")
                || message == "XML error: domainbackup" =>
        {
            Stage::Root
        }
        ERR_XML_INVALID_SCHEMA => Stage::Schema,
        _ => Stage::Parse,
    }
}

fn is_libxml2_message(message: &str) -> bool {
    message.starts_with("at line ") || message.starts_with("(domain_backup):")
}

/// True when an alignment error can only come from a fake domain that does not match the
/// xml2xml test's (every listed name has a file-backed disk there, and there is always one).
pub(super) fn fake_domain_mismatch(message: &str) -> bool {
    let detail = message
        .strip_prefix("unsupported configuration: ")
        .unwrap_or(message);
    detail.starts_with("no disk named ")
        || detail.starts_with("domain must have at least one disk")
        || detail.starts_with("refusing to generate file name")
        || (detail.starts_with("disk '") && detail.ends_with("' has no media"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_of_parse_errors() {
        assert_eq!(
            parse_stage(35, "at line 1: Premature end of data"),
            Stage::WellFormed
        );
        assert_eq!(
            parse_stage(35, "seclabel for model dac is already provided"),
            Stage::Parse
        );
        assert_eq!(
            parse_stage(
                27,
                "XML error: expecting root element of 'domainbackup', not 'x'"
            ),
            Stage::Root
        );
        assert_eq!(parse_stage(27, "XML error: domainbackup"), Stage::Root);
        assert_eq!(
            parse_stage(
                27,
                "XML error: Invalid value for attribute 'state' in element 'disk': \
                 'caexpecting root elementncelled'."
            ),
            Stage::Parse
        );
        assert_eq!(
            parse_stage(92, "XML document failed to validate against schema: x"),
            Stage::Schema
        );
        assert_eq!(
            parse_stage(27, "XML error: missing name for host"),
            Stage::Parse
        );
        assert_eq!(
            parse_stage(67, "unsupported configuration: unknown backup mode 'x'"),
            Stage::Parse
        );
    }

    #[test]
    fn mismatch_messages() {
        assert!(fake_domain_mismatch(
            "unsupported configuration: no disk named 'x'"
        ));
        assert!(fake_domain_mismatch(
            "unsupported configuration: disk 'x' has no media"
        ));
        assert!(!fake_domain_mismatch(
            "unsupported configuration: disk 'vda' specified twice"
        ));
    }
}
