//! The fake domain of libvirt's xml2xml test (`genericxml2xmltest.c`) as domain XML: the disk
//! names read back from libvirt's formatted backup, then one file disk per name (duplicates
//! kept, as upstream's test builds it) plus [`EXTRA_DISK`] always, each at its own PCI
//! address.
//!
//! It only builds text: nothing here calls libvirt, and what libvirt makes of the domain is
//! for the caller to report.

#![deny(unsafe_code)]

use super::{EXTRA_DISK, OracleError};
use crate::xml::escape;

/// The `name` of every `<disk>` in `<domainbackup><disks>` of libvirt's formatted text, in
/// order. Attribute values are unescaped but not whitespace-normalised, since libvirt
/// prints tabs and newlines raw.
pub(super) fn disk_names(text: &str) -> Result<Vec<String>, OracleError> {
    use quick_xml::events::Event;

    let bad = |what: String| OracleError::BadOutput(format!("reading disk names back: {what}"));
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut names = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| bad(e.to_string()))?;
        let (element, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                path.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let local = element.name().as_ref().to_string();
        if local == "disk" && path.as_slice() == ["domainbackup", "disks"] {
            let mut name = None;
            for attr in element.attributes().with_checks(false) {
                let attr = attr.map_err(|e| bad(e.to_string()))?;
                if attr.key.as_ref() == "name" {
                    let value =
                        quick_xml::escape::unescape(&attr.value).map_err(|e| bad(e.to_string()))?;
                    name = Some(value.into_owned());
                }
            }
            names.push(name.ok_or_else(|| bad("a <disk> has no name".to_string()))?);
        }
        if !empty {
            path.push(local);
        }
    }
    Ok(names)
}

/// The prefix libvirt's domain parser strips from a disk target.
const IOEMU_PREFIX: &str = "ioemu:";

/// The fake domain of the xml2xml test as domain XML: one qcow2 file disk per name in
/// `names` (in order, duplicates kept), then [`EXTRA_DISK`] (appended to `names` here, even
/// when listed), each with its own PCI address. `testCompareBackupXML` builds the domain's
/// disk array this way; a target listed twice leaves a zeroed slot after alignment.
pub(super) fn fake_domain_xml(names: &mut Vec<String>) -> String {
    names.push(EXTRA_DISK.to_string());
    let mut xml = String::from(
        "<domain type='qemu'>\n  <name>domainbackup-fake</name>\n  <memory unit='KiB'>1048576</memory>\n  \
         <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n",
    );
    for (i, name) in names.iter().enumerate() {
        // Buses 1..=255, slots 0..=31, functions 0..=7: 8160 * 8 distinct addresses.
        let bus = 1 + i / 32 % 255;
        let slot = i % 32;
        let function = i / (32 * 255);
        xml.push_str(
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n",
        );
        xml.push_str("      <source file='/fake/");
        escape::attribute_value(name, &mut xml);
        xml.push_str(".qcow2'/>\n      <target dev='");
        // libvirt drops one leading `ioemu:` from a target (an old Xen spelling).
        if name.starts_with(IOEMU_PREFIX) {
            xml.push_str(IOEMU_PREFIX);
        }
        escape::attribute_value(name, &mut xml);
        xml.push_str("' bus='virtio'/>\n");
        xml.push_str(&format!(
            "      <address type='pci' domain='0x0000' bus='{bus:#04x}' slot='{slot:#04x}' function='{function:#x}'/>\n"
        ));
        xml.push_str("    </disk>\n");
    }
    xml.push_str("  </devices>\n</domain>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_names_are_read_raw() {
        let text = "<domainbackup mode='push'>\n  <disks>\n    <disk name='a&amp;b&apos;' backup='no'/>\n    \
                    <disk name='x\ny' backup='yes' type='file'>\n      <target file='/p'/>\n    </disk>\n  \
                    </disks>\n</domainbackup>\n";
        assert_eq!(
            disk_names(text),
            Ok(vec!["a&b'".to_string(), "x\ny".to_string()])
        );
        assert_eq!(disk_names("<domainbackup mode='push'/>\n"), Ok(vec![]));
    }

    #[test]
    fn fake_domain_escapes_and_keeps_duplicates() {
        let mut names = vec![
            "v'<&\"\t".to_string(),
            "vda".to_string(),
            "vda".to_string(),
            "ioemu:hda".to_string(),
        ];
        let xml = fake_domain_xml(&mut names);
        assert!(xml.contains("<target dev='v&apos;&lt;&amp;&quot;&#9;' bus='virtio'/>"));
        assert_eq!(xml.matches("<target dev='vda' ").count(), 2);
        assert!(xml.contains("<target dev='ioemu:ioemu:hda' "));
        assert_eq!(xml.matches("<disk ").count(), 5);
        assert_eq!(names.last().map(String::as_str), Some(EXTRA_DISK));
    }
}
