//! What alignment reads of a domain (`--domain FILE`, a corpus file's `NAME.domain.xml`):
//! each disk type's source, libvirt's `virStorageSourceIsEmpty` over every source type, and
//! errors that name what is wrong with the domain file.

use domainbackup_harness::Profile;
use domainbackup_harness::align::{Domain, DomainDisk, SourceType};
use domainbackup_harness::model::DomainBackup;

fn domain(disks: &str) -> Result<Domain, String> {
    let text = format!("<domain type='qemu'><name>d</name><devices>{disks}</devices></domain>");
    Domain::from_xml(text.as_bytes()).map_err(|e| e.to_string())
}

fn disk(source_type: SourceType, path: Option<&str>, network_protocol: bool) -> DomainDisk {
    DomainDisk {
        target: "vdb".into(),
        source_type,
        path: path.map(String::from),
        network_protocol,
        readonly: false,
    }
}

#[test]
fn every_disk_type_is_read_with_its_source() {
    let d = domain(
        "<disk type='file'><source file='/i/a.qcow2'/><target dev='vda'/></disk>\
         <disk type='block'><source dev='/dev/sdb'/><target dev='vdb'/><readonly/></disk>\
         <disk type='dir'><source dir='/srv/share'/><target dev='vdc'/></disk>\
         <disk type='network'><source protocol='nbd' name='e'/><target dev='vdd'/></disk>\
         <disk type='volume'><source pool='p' volume='v'/><target dev='vde'/></disk>\
         <disk><source file=''/><target dev='vdf'/></disk>",
    )
    .expect("a domain");
    let seen: Vec<(&str, SourceType, Option<&str>, bool, bool)> = d
        .disks
        .iter()
        .map(|d| {
            (
                d.target.as_str(),
                d.source_type,
                d.path.as_deref(),
                d.network_protocol,
                d.readonly,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("vda", SourceType::File, Some("/i/a.qcow2"), false, false),
            ("vdb", SourceType::Block, Some("/dev/sdb"), false, true),
            ("vdc", SourceType::Dir, Some("/srv/share"), false, false),
            ("vdd", SourceType::Network, None, true, false),
            ("vde", SourceType::Volume, None, false, false),
            ("vdf", SourceType::File, None, false, false),
        ]
    );
}

#[test]
fn a_source_is_empty_as_virstoragesourceisempty_says() {
    // Local storage without a path, no source at all, a network source without a protocol.
    for (d, empty) in [
        (disk(SourceType::File, None, false), true),
        (disk(SourceType::File, Some("/a"), false), false),
        (disk(SourceType::Block, None, false), true),
        (disk(SourceType::Dir, None, false), true),
        (disk(SourceType::Dir, Some("/srv"), false), false),
        (disk(SourceType::None, None, false), true),
        (disk(SourceType::Network, None, false), true),
        (disk(SourceType::Network, None, true), false),
        (disk(SourceType::Volume, None, false), false),
    ] {
        assert_eq!(d.is_empty(), empty, "{d:?}");
    }
}

#[test]
fn backing_up_every_disk_skips_the_empty_ones_of_any_type() {
    for empty in [
        disk(SourceType::None, None, false),
        disk(SourceType::Network, None, false),
    ] {
        let mut def = DomainBackup::default();
        let domain = Domain {
            disks: vec![DomainDisk::file("vda", "/i/vda.qcow2"), empty.clone()],
        };
        domainbackup_harness::align::align(&mut def, &domain, "SUFFIX", Profile::V11_3)
            .unwrap_or_else(|r| panic!("{empty:?}: {}", r.to_line()));
        let text = domainbackup_harness::xml::format::format(&def, false);
        assert!(
            text.contains("<disk name='vda' backup='yes' type='file' backupmode='full'>")
                && text.contains("<disk name='vdb' backup='no'/>"),
            "{empty:?}:\n{text}"
        );
    }
    // Not empty, not a file: libvirt refuses to make up a file name for it.
    let mut def = DomainBackup::default();
    let domain = Domain {
        disks: vec![disk(SourceType::Network, None, true)],
    };
    let refused = domainbackup_harness::align::align(&mut def, &domain, "S", Profile::V9_0)
        .expect_err("no file name");
    assert_eq!(
        refused.message,
        "unsupported configuration: refusing to generate file name for disk 'vdb'"
    );
}

#[test]
fn a_bad_domain_file_is_named_for_what_is_wrong() {
    assert_eq!(
        Domain::from_xml(b"<dom/>").map_err(|e| e.to_string()),
        Err("domain XML: root element is <dom>, not <domain>".to_string())
    );
    assert_eq!(
        domain("<disk type='floppy'><target dev='fda'/></disk>"),
        Err("domain XML: unknown disk type 'floppy'".to_string())
    );
    assert_eq!(
        domain("<disk type='file'><source file='/a'/></disk>"),
        Err("domain XML: a <disk> has no <target dev=...>".to_string())
    );
    assert!(
        Domain::from_xml(b"<domain>")
            .map_err(|e| e.to_string())
            .is_err_and(|e| e.starts_with("domain XML: ")),
        "not well-formed"
    );
}
