//! The case streams behind `domainbackup-harness generate`: deterministic, covering every
//! production and every rule id first, with a manifest any tool can read.

use domainbackup_harness::generator::campaign::{self, Kind};
use domainbackup_harness::generator::coverage::{Coverage, productions};
use domainbackup_harness::generator::invalid::rule_ids;
use domainbackup_harness::{Mode, Profile, process};

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = campaign::generate(Profile::V11_3, Mode::Parse, Kind::Mixed, 42, 80);
    let b = campaign::generate(Profile::V11_3, Mode::Parse, Kind::Mixed, 42, 80);
    let c = campaign::generate(Profile::V11_3, Mode::Parse, Kind::Mixed, 43, 80);
    let docs =
        |v: &[campaign::GeneratedCase]| v.iter().map(|c| c.document.clone()).collect::<Vec<_>>();
    assert_eq!(docs(&a), docs(&b));
    assert_ne!(docs(&a), docs(&c));
    assert_eq!(a.len(), 80);
}

#[test]
fn coverage_pass_reaches_every_production_and_rule() {
    for profile in Profile::ALL {
        for mode in Mode::ALL {
            let valid = campaign::generate(profile, mode, Kind::Valid, 1, 400);
            let coverage = campaign::coverage_of(&valid);
            assert!(
                coverage.missing(profile, mode).is_empty(),
                "{}",
                coverage.summary(profile, mode)
            );
            assert!(
                coverage.unlisted(profile, mode).is_empty(),
                "unlisted: {:?}",
                coverage.unlisted(profile, mode)
            );
            let ids = rule_ids(profile, mode);
            let invalid = campaign::generate(profile, mode, Kind::Invalid, 1, ids.len());
            let reached: Vec<&str> = invalid.iter().map(|c| c.breach.as_str()).collect();
            assert_eq!(
                reached, ids,
                "{profile} {mode}: the first pass breaks every rule once, in order"
            );
        }
    }
}

#[test]
fn every_generated_case_gets_its_expected_verdict() {
    for profile in Profile::ALL {
        for mode in Mode::ALL {
            for case in campaign::generate(profile, mode, Kind::Mixed, 9, 150) {
                let actual = process(&case.document, mode.options(profile));
                match (&case.expected, &actual) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", case.id),
                    (Err(e), Err(a)) => {
                        assert_eq!(
                            (e.stage, e.code, e.domain),
                            (a.stage, a.code, a.domain),
                            "{} {}",
                            case.id,
                            case.rule
                        );
                        if case.message_is_libvirts {
                            assert_eq!(e.message, a.message, "{}", case.id);
                        }
                    }
                    _ => panic!(
                        "{} ({}): expected {:?}, got {:?}",
                        case.id, case.rule, case.expected, actual
                    ),
                }
            }
        }
    }
}

#[test]
fn a_production_that_is_not_listed_is_reported() {
    let mut coverage = Coverage::default();
    let def = domainbackup_harness::DomainBackup::default();
    coverage.record(&def);
    assert!(coverage.unlisted(Profile::V11_3, Mode::Parse).is_empty());
    coverage.productions.insert("invented".into(), 1);
    assert_eq!(
        coverage.unlisted(Profile::V11_3, Mode::Parse),
        vec!["invented".to_string()]
    );
    assert!(
        productions(Profile::V9_0, Mode::Parse)
            .iter()
            .all(|p| p != "server.transport=fd")
    );
}

#[test]
fn manifest_lines_are_json_with_the_expectation() {
    let dir = std::env::temp_dir().join(format!("domainbackup-generate-{}", std::process::id()));
    let written =
        campaign::write_to_dir(&dir, &[(Profile::V9_0, Mode::Internal)], Kind::Mixed, 5, 30)
            .expect("written");
    let manifest = std::fs::read_to_string(&written.manifest).expect("manifest");
    assert_eq!(manifest.lines().count(), 30);
    for line in manifest.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON object per line");
        let file = v["file"].as_str().expect("file");
        assert!(dir.join(file).is_file());
        assert_eq!(v["profile"], "9.0");
        assert_eq!(v["mode"], "internal");
        let verdict = v["expected"]["verdict"].as_str().expect("verdict");
        assert!(verdict == "accept" || verdict == "reject");
        if verdict == "reject" {
            assert!(v["expected"]["code"].is_i64());
        } else {
            assert!(
                v["expected"]["output"]
                    .as_str()
                    .is_some_and(|o| o.starts_with("<domainbackup"))
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
