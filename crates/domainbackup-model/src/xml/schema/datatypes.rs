//! The value predicates of the schema: `<value>` matching with the default `token`
//! datatype, blank text as libxml2 sees it, and the XSD datatypes and patterns of libvirt's
//! schemas that `domainbackup.rng` uses (`unsignedInt`, `dnsName`, `ipv6Addr`,
//! `absFilePath`, `diskTargetDev`, `UUID`), each a function from the raw value to a verdict.
//!
//! They say only whether a value is in the type, exactly as libxml2 decides it; they must
//! not convert or normalize values for later stages, nor know which element or attribute a
//! value came from (that is the element checks' job).

use std::sync::LazyLock;

use super::xsd_regex;

/// The white space of RELAX NG's `normalizeWhiteSpace` and libxml2's `IS_BLANK_CH`.
fn is_xml_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A `<value>` match with the default `token` datatype: equal after white-space
/// normalization (`expected` holds no white space).
pub(super) fn token_is(value: &str, expected: &str) -> bool {
    value.trim_matches(is_xml_blank) == expected
}

/// libxml2's `xmlIsBlankNode` for text: empty or only blanks.
pub(super) fn is_blank_text(text: &str) -> bool {
    text.chars().all(is_xml_blank)
}

/// `unsignedInt` of basictypes.rng: XSD `unsignedInt` with the pattern `[0-9]+` on the raw
/// value.
pub(super) fn is_unsigned_int(value: &str) -> bool {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let significant = value.trim_start_matches('0');
    significant.len() <= 10
        && significant
            .parse::<u64>()
            .map_or(significant.is_empty(), |n| n <= u64::from(u32::MAX))
}

/// `dnsName`: `[a-zA-Z0-9\.\-]+`.
fn is_dns_name(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// `ipv6Addr` as libxml2 matches it (see the `xsd_regex` module).
fn is_ipv6_addr(value: &str) -> bool {
    static IPV6: LazyLock<xsd_regex::XsdRegex> = LazyLock::new(|| {
        xsd_regex::XsdRegex::compile(IPV6_PATTERN).expect("the ipv6Addr pattern compiles")
    });
    // Every character the pattern can match; anything else fails at once.
    value
        .bytes()
        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && IPV6.is_match(value)
}

/// The `<server name>` value: `dnsName` or `ipAddr`. `ipv4Addr` only uses characters of
/// `dnsName` and is never empty, so it adds nothing to the choice.
pub(super) fn is_host_name(value: &str) -> bool {
    is_dns_name(value) || is_ipv6_addr(value)
}

/// `ipv6Addr` of basictypes.rng (identical in 9.0 and 11.3).
pub(crate) const IPV6_PATTERN: &str = concat!(
    "(([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){6}:[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){5}:([0-9A-Fa-f]{1,4}:)?[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){4}:([0-9A-Fa-f]{1,4}:){0,2}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){3}:([0-9A-Fa-f]{1,4}:){0,3}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){2}:([0-9A-Fa-f]{1,4}:){0,4}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){6}(((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9]))\\.){3}",
    "((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9])))",
    "|(([0-9A-Fa-f]{1,4}:){0,5}:(((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9]))\\.){3}",
    "((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9])))",
    "|(::([0-9A-Fa-f]{1,4}:){0,5}(((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9]))\\.){3}",
    "((25[0-5])|(2[0-4][0-9])|(1[0-9]{2})|([1-9][0-9])|([0-9])))",
    "|([0-9A-Fa-f]{1,4}::([0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})",
    "|(::([0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})",
    "|(([0-9A-Fa-f]{1,4}:){1,7}:)",
    "|(::)",
);

/// `absFilePath`: `(/|[a-zA-Z]:\\).+`, where `.` is any character but CR and LF.
pub(super) fn is_abs_file_path(value: &str) -> bool {
    let rest = if let Some(rest) = value.strip_prefix('/') {
        rest
    } else {
        let b = value.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\' {
            &value[3..]
        } else {
            return false;
        }
    };
    !rest.is_empty() && !rest.contains(['\n', '\r'])
}

/// `diskTargetDev`: `(ioemu:)?(fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+`.
pub(super) fn is_disk_target_dev(value: &str) -> bool {
    let rest = value.strip_prefix("ioemu:").unwrap_or(value);
    let tail = ["fd", "hd", "sd", "vd", "xvd", "ubd"]
        .iter()
        .find_map(|p| rest.strip_prefix(p));
    tail.is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// `UUID`: 32 hex digits, or 8-4-4-4-12 hex digits with dashes.
pub(super) fn is_uuid(value: &str) -> bool {
    let b = value.as_bytes();
    match b.len() {
        32 => b.iter().all(u8::is_ascii_hexdigit),
        36 => b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        }),
        _ => false,
    }
}
