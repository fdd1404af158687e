//! Properties of the generator and of the reference on what it generates:
//!
//! * every valid case: the reference accepts every spelling with the expected canonical
//!   text; parse then format of the canonical text is the identity (and so format is
//!   idempotent); the canonical text passes the schema; parse(render(m)) == m;
//! * every invalid case: the reference rejects it with the labelled stage, code, domain
//!   (and message where it is libvirt's), and a schema case with the labelled schema rule;
//! * a deterministic pass breaks every rule id in every profile and mode where it exists.
//!
//! A failing case is written as a document with its expectation into `corpus/regressions/`,
//! where the corpus suite replays it on every run. `PROPTEST_CASES` raises the case counts.

use std::path::PathBuf;

use domainbackup_harness::generator::{self, InvalidCase, ValidCase, invalid};
use domainbackup_harness::xml::{read, schema};
use domainbackup_harness::{Mode, Options, Profile, Stage, parse, process};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96)
}

/// Keeps a failing document, with what was expected, as a corpus regression.
fn persist(kind: &str, profile: Profile, mode: Mode, document: &[u8], expectation: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/regressions");
    let hash = document.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("{kind}-{profile}-{mode}-{hash:016x}.xml"));
    let mut text = format!(
        "<!-- regression: {kind}, profile {profile}, mode {mode}; expected:\n{} -->\n",
        expectation.replace("--", "- -")
    );
    text.push_str(&String::from_utf8_lossy(document));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(&path, text);
    path.display().to_string()
}

/// The definition as printed: aligned in the aligned modes.
fn aligned_or_read(case: &ValidCase) -> domainbackup_harness::DomainBackup {
    let mut def = case.definition.clone();
    if case.mode.options(case.profile).align {
        let domain = domainbackup_harness::align::Domain::upstream_test(&def);
        let _ = domainbackup_harness::align::align(&mut def, &domain, "SUFFIX", case.profile);
    }
    def
}

fn check_valid(case: &ValidCase) -> Result<(), TestCaseError> {
    let options = case.mode.options(case.profile);
    let fail = |what: String| {
        let at = persist(
            "valid",
            case.profile,
            case.mode,
            case.document.as_bytes(),
            &case.expected,
        );
        TestCaseError::fail(format!(
            "{what}\n(kept as {at})\ndocument:\n{}",
            case.document
        ))
    };
    let output = process(case.document.as_bytes(), options)
        .map_err(|r| fail(format!("rejected: {}", r.to_line())))?;
    if output != case.expected {
        return Err(fail(format!(
            "output differs\n--- expected\n{}--- actual\n{output}",
            case.expected
        )));
    }
    // Nested in the status XML (`<backups>`), the same text with every line indented. A
    // value with a line break of its own is left out: libvirt indents where it starts a
    // line, not after a break inside a value.
    let def = aligned_or_read(case);
    let breaks = format!("{def:?}");
    if !breaks.contains("\\n") && !breaks.contains("\\r") {
        let mut nested = String::new();
        domainbackup_harness::xml::format::format_into(&mut nested, &def, options.internal, 4);
        let indented: String = output.lines().map(|l| format!("    {l}\n")).collect();
        if nested != indented {
            return Err(fail(format!(
                "formatted at indent 4\n--- expected\n{indented}--- actual\n{nested}"
            )));
        }
    }
    let read_back = parse(
        case.document.as_bytes(),
        Options {
            align: false,
            ..options
        },
    )
    .map_err(|r| fail(r.to_line()))?;
    if read_back != case.definition {
        return Err(fail(format!(
            "parse(render(m)) != m\n  m:    {:?}\n  read: {read_back:?}",
            case.definition
        )));
    }
    // libvirt's internal format leaves out `state` when it is none, and its internal parse
    // requires it: such a status document cannot be read back (by libvirt either).
    let stateless = options.internal
        && aligned_or_read(case)
            .disks
            .iter()
            .any(|d| d.backup && d.state == domainbackup_harness::model::DiskState::None);
    if stateless {
        return Ok(());
    }
    let again = process(
        output.as_bytes(),
        Options {
            align: false,
            ..options
        },
    )
    .map_err(|r| fail(format!("canonical text rejected: {}", r.to_line())))?;
    if again != output {
        return Err(fail(format!(
            "canonical text is not a fixed point\n--- once\n{output}--- twice\n{again}"
        )));
    }
    if !options.internal {
        let document = read::read(output.as_bytes()).map_err(|r| fail(r.to_line()))?;
        schema::validate(&document, case.profile).map_err(|v| {
            fail(format!(
                "canonical text fails the schema: {} {}",
                v.rule, v.detail
            ))
        })?;
    }
    Ok(())
}

fn check_invalid(case: &InvalidCase) -> Result<(), TestCaseError> {
    let options = case.mode.options(case.profile);
    let expected = &case.expected;
    let fail = |what: String| {
        let at = persist(
            case.breach,
            case.profile,
            case.mode,
            &case.document,
            &expected.to_line(),
        );
        TestCaseError::fail(format!(
            "{}: {what}\n(kept as {at})\ndocument:\n{}",
            case.rule,
            String::from_utf8_lossy(&case.document)
        ))
    };
    let actual = match process(&case.document, options) {
        Ok(_) => return Err(fail("accepted".into())),
        Err(r) => r,
    };
    if (actual.stage, actual.code, actual.domain)
        != (expected.stage, expected.code, expected.domain)
        || (case.message_is_libvirts && actual.message != expected.message)
        || actual.rule != Some(case.rule)
    {
        return Err(fail(format!(
            "rejected differently\n  expected: {}\n  actual:   {}",
            expected.to_line(),
            actual.to_line()
        )));
    }
    if actual.stage == Stage::Schema {
        let document = read::read(&case.document).map_err(|r| fail(r.to_line()))?;
        match schema::validate(&document, case.profile) {
            Err(v) if v.rule == case.rule => {}
            Err(v) => {
                return Err(fail(format!(
                    "schema rule {} reported instead ({})",
                    v.rule, v.detail
                )));
            }
            Ok(()) => return Err(fail("schema passes".into())),
        }
    }
    Ok(())
}

fn run<T: std::fmt::Debug>(
    strategy: BoxedStrategy<T>,
    check: impl Fn(&T) -> Result<(), TestCaseError>,
) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, |case| check(&case)) {
        panic!("{e}");
    }
}

macro_rules! per_profile_and_mode {
    ($($name:ident: $profile:expr, $mode:expr;)*) => {$(
        mod $name {
            use super::*;
            #[test]
            fn valid_cases() {
                run(generator::valid($profile, $mode), check_valid);
            }
            #[test]
            fn invalid_cases() {
                run(invalid($profile, $mode), check_invalid);
            }
        }
    )*};
}

per_profile_and_mode! {
    v11_3_parse: Profile::V11_3, Mode::Parse;
    v11_3_align: Profile::V11_3, Mode::Align;
    v11_3_internal: Profile::V11_3, Mode::Internal;
    v11_3_internal_align: Profile::V11_3, Mode::InternalAlign;
    v9_0_parse: Profile::V9_0, Mode::Parse;
    v9_0_align: Profile::V9_0, Mode::Align;
    v9_0_internal: Profile::V9_0, Mode::Internal;
    v9_0_internal_align: Profile::V9_0, Mode::InternalAlign;
}

/// Alignment against generated domains (read-only, empty and non-file disks included).
#[test]
fn valid_cases_with_their_own_domain() {
    for profile in Profile::ALL {
        run(generator::valid_with_domain(profile), |(case, domain)| {
            let mut def = parse(
                case.document.as_bytes(),
                Options {
                    profile,
                    internal: false,
                    align: false,
                },
            )
            .map_err(|r| TestCaseError::fail(r.to_line()))?;
            domainbackup_harness::align::align(&mut def, domain, "SUFFIX", profile)
                .map_err(|r| TestCaseError::fail(format!("{}\n{}", r.to_line(), case.document)))?;
            let out = domainbackup_harness::xml::format::format(&def, false);
            prop_assert_eq!(out, case.expected.clone());
            Ok(())
        });
    }
}

/// Every rule id is broken, with its labelled rejection, in every profile and mode where
/// it exists, from the simplest definition before random ones.
#[test]
fn every_rule_id_is_reached() {
    let mut reached = std::collections::BTreeSet::new();
    let base = domainbackup_harness::DomainBackup::default();
    for profile in Profile::ALL {
        for mode in Mode::ALL {
            for id in generator::invalid::rule_ids(profile, mode) {
                let case = generator::invalid::break_rule(id, &base, 7, profile, mode)
                    .unwrap_or_else(|| panic!("{id} cannot be broken in {profile} {mode}"));
                if let Err(e) = check_invalid(&case) {
                    panic!("{profile} {mode}: {e}");
                }
                reached.insert(id);
            }
        }
    }
    let all: std::collections::BTreeSet<_> =
        generator::invalid::all_rule_ids().into_iter().collect();
    assert_eq!(reached, all, "rule ids never reached");
}

/// Same seed, same documents.
#[test]
fn generation_is_deterministic() {
    let draw = || {
        let mut runner = TestRunner::deterministic();
        let strategy = generator::valid(Profile::V11_3, Mode::Parse);
        (0..20)
            .map(|_| {
                strategy
                    .new_tree(&mut runner)
                    .expect("a case")
                    .current()
                    .document
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(), draw());
}

/// A1, A2, A5 and A6 need a domain of their own: each is reached, with libvirt's message.
#[test]
fn alignment_errors_with_their_domain() {
    for profile in Profile::ALL {
        let mut reached = std::collections::BTreeSet::new();
        run(generator::invalid_with_domain(profile), |case| {
            let mut def = parse(
                case.document.as_bytes(),
                Options {
                    profile,
                    internal: false,
                    align: false,
                },
            )
            .map_err(|r| TestCaseError::fail(format!("{}: {}", case.rule, r.to_line())))?;
            let got = domainbackup_harness::align::align(&mut def, &case.domain, "SUFFIX", profile);
            match got {
                Err(r) if r == case.expected => Ok(()),
                other => Err(TestCaseError::fail(format!(
                    "{}: expected {}, got {other:?}\n{}",
                    case.rule,
                    case.expected.to_line(),
                    case.document
                ))),
            }
        });
        let mut runner = TestRunner::deterministic();
        let strategy = generator::invalid_with_domain(profile);
        for _ in 0..200 {
            reached.insert(
                strategy
                    .new_tree(&mut runner)
                    .expect("a case")
                    .current()
                    .rule
                    .id,
            );
        }
        assert_eq!(
            reached.into_iter().collect::<Vec<_>>().len(),
            generator::DOMAIN_ALIGNMENT_RULES.len(),
            "{profile}"
        );
    }
}
