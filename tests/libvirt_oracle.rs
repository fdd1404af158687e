//! The in-process libvirt oracle against libvirt's own xml2xml test vectors.
//!
//! Run with the system libvirt (9.0.0 on Debian bookworm):
//! `cargo test --features agreement --test libvirt_oracle`; with libvirt 11.3.0:
//! `scripts/libvirt-11.3 fetch && scripts/libvirt-11.3 run -- cargo test --features agreement --test libvirt_oracle`.
//! The vector set is chosen by the loaded version; a libvirt that cannot be loaded, or
//! whose version is not modelled, fails the tests (they never pass silently).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use domainbackup_harness::corpus::{self, UpstreamVector};
use domainbackup_harness::libvirt::{Libvirt, OracleError};
use domainbackup_harness::{Profile, Rejection, Stage};

/// The shared libvirt of this test binary (tests run in parallel threads and share it).
fn libvirt() -> &'static Libvirt {
    static LIBVIRT: OnceLock<Result<Libvirt, String>> = OnceLock::new();
    match LIBVIRT.get_or_init(|| Libvirt::load(None).map_err(|e| e.to_string())) {
        Ok(libvirt) => libvirt,
        Err(e) => panic!("libvirt could not be loaded: {e}"),
    }
}

fn profile(libvirt: &Libvirt) -> Profile {
    match libvirt.profile() {
        Some(profile) => profile,
        None => panic!(
            "libvirt {} ({}) is not a modelled version (expected 9.0.x or 11.3.x)",
            libvirt.version_string(),
            libvirt.path().display()
        ),
    }
}

fn data() -> PathBuf {
    corpus::shared_libvirt_dir()
        .expect("libvirt's upstream data: ../shared/libvirt beside the source (see README.md)")
}

fn vectors(profile: Profile) -> Vec<UpstreamVector> {
    corpus::upstream_vectors(&data(), profile)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// What libvirt's test compares: the output with a trailing newline added if missing.
fn xml2xml(
    libvirt: &Libvirt,
    input: &[u8],
    internal: bool,
) -> Result<Result<String, Rejection>, OracleError> {
    libvirt.process(input, internal, true).map(|r| {
        r.map(|mut text| {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        })
    })
}

#[test]
fn libvirt_is_a_modelled_version() {
    let libvirt = libvirt();
    let profile = profile(libvirt);
    eprintln!(
        "libvirt {} from {} (profile {profile})",
        libvirt.version_string(),
        libvirt.path().display()
    );
    assert_eq!(
        profile.release().rsplit_once('.').map(|r| r.0),
        libvirt.version_string().rsplit_once('.').map(|r| r.0)
    );
}

#[test]
fn upstream_xml2xml_vectors_are_reproduced() {
    let libvirt = libvirt();
    let profile = profile(libvirt);
    let vectors = vectors(profile);
    let expected_count = match profile {
        Profile::V9_0 => 8,
        _ => 10,
    };
    assert_eq!(vectors.len(), expected_count, "vector set of {profile}");
    let mut failures = Vec::new();
    for v in &vectors {
        let input = read(&v.input);
        let expected = String::from_utf8(read(&v.output))
            .unwrap_or_else(|e| panic!("{}: {e}", v.output.display()));
        let start = Instant::now();
        let got = xml2xml(libvirt, &input, v.internal);
        let elapsed = start.elapsed();
        eprintln!(
            "{profile} {:<32} internal={:<5} {:>10.3?}",
            v.name, v.internal, elapsed
        );
        match got {
            Ok(Ok(text)) if text == expected => {}
            Ok(Ok(text)) => failures.push(format!(
                "{}: output differs\n--- expected\n{expected}--- libvirt\n{text}",
                v.name
            )),
            Ok(Err(rejection)) => {
                failures.push(format!("{}: rejected: {}", v.name, rejection.to_line()))
            }
            Err(e) => failures.push(format!("{}: oracle error: {e}", v.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

fn rejection(libvirt: &Libvirt, xml: &str, internal: bool, align: bool) -> Rejection {
    match libvirt.process(xml.as_bytes(), internal, align) {
        Ok(Err(rejection)) => rejection,
        other => panic!("expected a rejection of {xml:?}, got {other:?}"),
    }
}

#[test]
fn wrong_root_is_rejected_at_the_root_stage() {
    let r = rejection(libvirt(), "<domain/>", false, false);
    assert_eq!((r.stage, r.code, r.domain), (Stage::Root, 27, 5), "{r:?}");
    assert_eq!(
        r.message,
        "XML error: expecting root element of 'domainbackup', not 'domain'"
    );
}

#[test]
fn malformed_xml_is_rejected_as_not_well_formed() {
    let libvirt = libvirt();
    for xml in [
        "<domainbackup>",
        "",
        "<domainbackup mode='push'></disks>",
        "<domainbackup><a></b></domainbackup>",
    ] {
        for internal in [false, true] {
            let r = rejection(libvirt, xml, internal, true);
            assert_eq!(
                (r.stage, r.code, r.domain),
                (Stage::WellFormed, 35, 20),
                "{xml:?}: {r:?}"
            );
        }
    }
}

#[test]
fn bogus_mode_is_rejected_by_the_schema() {
    let r = rejection(libvirt(), "<domainbackup mode='bogus'/>", false, true);
    assert_eq!((r.stage, r.code, r.domain), (Stage::Schema, 92, 5), "{r:?}");
    assert!(
        r.message
            .starts_with("XML document failed to validate against schema: "),
        "{r:?}"
    );
}

#[test]
fn bogus_mode_reaches_the_parser_when_internal() {
    let r = rejection(libvirt(), "<domainbackup mode='bogus'/>", true, true);
    assert_eq!((r.stage, r.code, r.domain), (Stage::Parse, 67, 20), "{r:?}");
    assert_eq!(
        r.message,
        "unsupported configuration: unknown backup mode 'bogus'"
    );
}

#[test]
fn duplicate_disk_is_rejected_by_alignment() {
    let libvirt = libvirt();
    let xml = "<domainbackup><disks><disk name='vda' backup='no'/><disk name='vda' backup='no'/></disks></domainbackup>";
    let r = rejection(libvirt, xml, false, true);
    assert_eq!((r.stage, r.code, r.domain), (Stage::Align, 67, 20), "{r:?}");
    assert_eq!(
        r.message,
        "unsupported configuration: disk 'vda' specified twice"
    );
    // Without alignment the same document is accepted and printed back.
    let printed = libvirt.process(xml.as_bytes(), false, false);
    assert!(
        matches!(printed, Ok(Ok(ref t)) if t.matches("<disk name='vda' backup='no'/>").count() == 2),
        "{printed:?}"
    );
}

#[test]
fn duplicate_seclabel_model_is_a_parse_error_despite_its_code() {
    // VIR_ERR_XML_DETAIL (35), like a well-formedness error, but from the C parser.
    let xml = "<domainbackup><disks><disk name='vda' type='file'><target file='/t'>\
               <seclabel model='dac' relabel='no'/><seclabel model='dac' relabel='no'/>\
               </target></disk></disks></domainbackup>";
    let r = rejection(libvirt(), xml, false, true);
    assert_eq!((r.stage, r.code, r.domain), (Stage::Parse, 35, 20), "{r:?}");
    assert_eq!(r.message, "seclabel for model dac is already provided");
}

#[test]
fn document_is_cut_at_the_first_nul_byte() {
    let libvirt = libvirt();
    let whole = libvirt.process(b"<domainbackup/>", false, true);
    let cut = libvirt.process(b"<domainbackup/>\0<not xml at all", false, true);
    assert!(matches!(whole, Ok(Ok(_))), "{whole:?}");
    assert_eq!(whole, cut);
}

#[test]
fn unusual_disk_names_are_aligned_or_refused_as_oracle_errors() {
    let libvirt = libvirt();
    for name in [
        "foo",
        "x y",
        "a&amp;b&lt;c&gt;&quot;&apos;",
        "a&#10;b",
        "a&#9;b",
        "ioemu:hda",
        "ü",
        "",
        "fda",
    ] {
        let xml = format!(
            "<domainbackup><disks><disk name='{name}' backup='yes' state='running' type='file'>\
             <target file='/t'/></disk></disks></domainbackup>"
        );
        match libvirt.process(xml.as_bytes(), true, true) {
            Ok(Ok(text)) => assert!(
                text.contains("<disk name='vdextradisk' backup='no'/>"),
                "{name:?}: {text}"
            ),
            Err(OracleError::CannotAlign { .. }) => {}
            other => panic!("{name:?}: {other:?}"),
        }
    }
}

#[test]
fn hundreds_of_disks_can_be_aligned() {
    let mut xml = String::from("<domainbackup><disks>");
    let mut count = 0;
    for a in b'a'..=b'z' {
        for b in b'a'..=b'z' {
            xml.push_str(&format!(
                "<disk name='vd{}{}' backup='no'/>",
                a as char, b as char
            ));
            count += 1;
        }
    }
    xml.push_str("</disks></domainbackup>");
    match libvirt().process(xml.as_bytes(), false, true) {
        Ok(Ok(text)) => assert_eq!(text.matches("<disk ").count(), count + 1),
        other => panic!("{other:?}"),
    }
}

const DOMAIN: &str = "<domain type='qemu'><name>d</name><memory>1048576</memory>\
                      <os><type arch='x86_64'>hvm</type></os><devices>\
                      <disk type='file' device='disk'><source file='/images/vda.qcow2'/>\
                      <target dev='vda' bus='virtio'/></disk>\
                      <disk type='block' device='disk'><source dev='/dev/sdb'/>\
                      <target dev='vdb' bus='virtio'/></disk></devices></domain>";

#[test]
fn alignment_against_a_given_domain() {
    let libvirt = libvirt();
    let xml = "<domainbackup><disks><disk name='vda' type='file'><target file='/b'/></disk></disks></domainbackup>";
    let text = match libvirt.process_with_domain(xml.as_bytes(), false, DOMAIN.as_bytes()) {
        Ok(Ok(text)) => text,
        other => panic!("{other:?}"),
    };
    assert!(text.contains("<disk name='vdb' backup='no'/>"), "{text}");
    assert!(!text.contains("vdextradisk"), "{text}");

    // A disk the domain lacks is a real rejection here, not an oracle error.
    let xml = "<domainbackup><disks><disk name='vdz' backup='no'/></disks></domainbackup>";
    let r = match libvirt.process_with_domain(xml.as_bytes(), false, DOMAIN.as_bytes()) {
        Ok(Err(r)) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!((r.stage, r.code, r.domain), (Stage::Align, 67, 20), "{r:?}");
    assert_eq!(r.message, "unsupported configuration: no disk named 'vdz'");

    // Backing up every disk needs a file name for the block disk.
    let r = match libvirt.process_with_domain(b"<domainbackup/>", false, DOMAIN.as_bytes()) {
        Ok(Err(r)) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        r.message,
        "unsupported configuration: refusing to generate file name for disk 'vdb'"
    );

    let bad = libvirt.process_with_domain(b"<domainbackup/>", false, b"<domain/>");
    assert!(matches!(bad, Err(OracleError::BadDomain { .. })), "{bad:?}");
}

#[test]
fn libvirt_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Libvirt>();
}

#[test]
fn concurrent_use_gives_the_serial_results() {
    let libvirt = libvirt();
    let vectors = vectors(profile(libvirt));
    let inputs: Vec<(Vec<u8>, bool)> = vectors
        .iter()
        .map(|v| (read(&v.input), v.internal))
        .collect();
    let serial: Vec<_> = inputs
        .iter()
        .map(|(input, internal)| xml2xml(libvirt, input, *internal))
        .collect();
    let start = Instant::now();
    let rounds = 3;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                let (inputs, serial) = (&inputs, &serial);
                scope.spawn(move || {
                    for round in 0..rounds {
                        for (i, (input, internal)) in inputs.iter().enumerate() {
                            let got = xml2xml(libvirt, input, *internal);
                            assert_eq!(
                                got, serial[i],
                                "worker {worker}, round {round}, vector {i}"
                            );
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    eprintln!(
        "{} documents on 4 threads in {:.3?}",
        4 * rounds * inputs.len(),
        start.elapsed()
    );
}
