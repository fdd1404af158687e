//! How libvirt would read its own canonical text back: [`readable_spelling`] respells the
//! few things libvirt prints raw and then reads otherwise, so that the `parse` and
//! `roundtrip` checks still compare everything else byte for byte.
//!
//! It must not judge anything: it only rewrites text.

/// The canonical text `canonical` (printed with `internal`), spelled so that libvirt's parser
/// reads back what its formatter meant. libvirt prints these raw and then cannot read them
/// back as they were; everything else is left byte for byte:
///
/// * a TAB, LF or CR inside a tag (only attribute values can hold one) becomes a character
///   reference (read raw, it would be normalized to a space);
/// * a CR in element text becomes `&#13;` (read raw, it would become LF);
/// * with `internal`, a backed-up `<disk>` without `state` gets `state=''` (libvirt's internal
///   format leaves out state none, and its internal parse requires the attribute);
/// * without `internal`, a `<seclabel relabel='yes'/>` gets back the empty `<label/>` it was
///   read from (libvirt reads an empty label as none and prints `relabel='yes'` alone,
///   which its schema refuses: found by the `mutate` target, checked with libvirt 9.0.0).
///
/// The formatter escapes `<` and `>` in every value, so each `<` starts a tag and the next
/// `>` ends it; values never hold a literal quote.
pub fn readable_spelling(canonical: &str, internal: bool) -> String {
    let mut out = String::with_capacity(canonical.len() + 16);
    let mut rest = canonical;
    while let Some(open) = rest.find('<') {
        text_spelling(&mut out, &rest[..open]);
        let tag_end = rest[open..].find('>').map_or(rest.len(), |e| open + e + 1);
        let tag = &rest[open..tag_end];
        let mut spelled = String::with_capacity(tag.len());
        for c in tag.chars() {
            match c {
                '\t' => spelled.push_str("&#9;"),
                '\n' => spelled.push_str("&#10;"),
                '\r' => spelled.push_str("&#13;"),
                c => spelled.push(c),
            }
        }
        if internal && spelled.starts_with("<disk ") && !spelled.contains(" state='") {
            if let Some(at) = spelled.find(" backup='yes'") {
                spelled.insert_str(at + " backup='yes'".len(), " state=''");
            }
        }
        if !internal && spelled.starts_with("<seclabel ") && spelled.ends_with(" relabel='yes'/>") {
            spelled.truncate(spelled.len() - "/>".len());
            spelled.push_str("><label/></seclabel>");
        }
        out.push_str(&spelled);
        rest = &rest[tag_end..];
    }
    text_spelling(&mut out, rest);
    out
}

fn text_spelling(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\r' {
            out.push_str("&#13;");
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_spelling_changes_only_what_libvirt_cannot_read_back() {
        let canonical = "<domainbackup mode='push'>\n  <incremental>a\rb</incremental>\n  <disks>\n    <disk name='v\td' backup='yes' type='file'/>\n    <disk name='x' backup='no'/>\n  </disks>\n</domainbackup>\n";
        assert_eq!(
            readable_spelling(canonical, false),
            "<domainbackup mode='push'>\n  <incremental>a&#13;b</incremental>\n  <disks>\n    <disk name='v&#9;d' backup='yes' type='file'/>\n    <disk name='x' backup='no'/>\n  </disks>\n</domainbackup>\n"
        );
        assert!(
            readable_spelling(canonical, true)
                .contains("<disk name='v&#9;d' backup='yes' state='' type='file'/>")
        );
        let running = "<disk name='a' backup='yes' state='running' type='file'/>";
        assert_eq!(readable_spelling(running, true), running);
        let seclabel = "<seclabel model='dac' relabel='yes'/>";
        assert_eq!(
            readable_spelling(seclabel, false),
            "<seclabel model='dac' relabel='yes'><label/></seclabel>"
        );
        assert_eq!(readable_spelling(seclabel, true), seclabel);
    }
}
