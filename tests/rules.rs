//! One rule catalogue behind every rejection: every corpus document, upstream vector and
//! generated invalid case is put through every profile and mode, and each rejection the
//! reference returns must name a catalogue rule that holds in that profile, with the
//! catalogue's stage, code and domain. A corpus file named after a rule must be refused by
//! that rule somewhere, a generated case by the rule it breaks; and every rule outside the
//! schema has a corpus file named after it.

mod common;

use std::collections::BTreeSet;

use domainbackup_harness::conform::case::corpus_rule;
use domainbackup_harness::corpus::{self, CorpusCase};
use domainbackup_harness::generator::invalid;
use domainbackup_harness::{DomainBackup, Mode, Profile, Rejection, Stage, rules};

fn corpus_cases() -> Vec<CorpusCase> {
    let cases = corpus::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"))
        .unwrap_or_else(|e| panic!("cannot load the corpus: {e}"));
    assert!(cases.len() >= 100, "only {} corpus documents", cases.len());
    cases
}

/// The rejection's rule is the catalogue's entry, holds in `profile`, and the rejection's
/// numbers are the ones the catalogue gives it there.
fn check_rejection(r: &Rejection, profile: Profile, what: &str) -> &'static rules::Rule {
    let rule = r
        .rule
        .unwrap_or_else(|| panic!("{what}: rejection without a rule: {}", r.to_line()));
    let listed = rules::by_id(rule.id).unwrap_or_else(|| panic!("{what}: {rule} is not listed"));
    assert!(std::ptr::eq(listed, rule), "{what}: {rule} is a copy");
    assert!(
        rule.holds_in(profile),
        "{what}: {rule} does not hold in {profile}"
    );
    assert_eq!(r.stage, rule.stage, "{what}: {rule}");
    let wording = rule.wording_in(profile);
    assert_eq!(
        (r.code, r.domain),
        (wording.code.number(), wording.domain.number()),
        "{what}: {rule}"
    );
    assert!(
        r.message.starts_with(wording.code.prefix()),
        "{what}: {rule}: {}",
        r.message
    );
    rule
}

#[test]
fn every_corpus_rejection_names_its_rule() {
    let mut named = 0;
    for case in corpus_cases() {
        let label = corpus_rule(&case.name);
        let mut seen = BTreeSet::new();
        for profile in Profile::ALL {
            for mode in Mode::ALL {
                if let Err(r) = corpus::run(&case, profile, mode) {
                    let what = format!("{} {profile} {mode}", case.name);
                    seen.insert(check_rejection(&r, profile, &what).id);
                }
            }
        }
        if let Some(rule) = rules::by_id(&label) {
            named += 1;
            assert!(
                seen.contains(rule.id),
                "{} is named after {rule}, which refuses it in no profile or mode (refused by {seen:?})",
                case.name
            );
        }
    }
    assert!(named > 0, "no corpus file is named after a rule");
}

#[test]
fn every_upstream_rejection_names_its_rule() {
    let Some(shared) = common::shared_libvirt("rules") else {
        return;
    };
    let mut vectors = 0;
    for profile in Profile::ALL {
        for vector in corpus::upstream_vectors(&shared, profile) {
            let document = std::fs::read(&vector.input)
                .unwrap_or_else(|e| panic!("{}: {e}", vector.input.display()));
            vectors += 1;
            for mode in Mode::ALL {
                if let Err(r) = domainbackup_harness::process(&document, mode.options(profile)) {
                    check_rejection(&r, profile, &format!("{} {profile} {mode}", vector.name));
                }
            }
        }
    }
    assert!(vectors > 0);
}

#[test]
fn every_generated_invalid_case_is_refused_by_its_rule() {
    let base = DomainBackup::default();
    let mut cases = 0;
    for profile in Profile::ALL {
        for mode in Mode::ALL {
            for name in invalid::rule_ids(profile, mode) {
                for seed in 0..3 {
                    let case = invalid::break_rule(name, &base, seed, profile, mode)
                        .unwrap_or_else(|| panic!("{name} cannot be broken in {profile} {mode}"));
                    let what = format!("{name} {profile} {mode} seed {seed}");
                    let r = domainbackup_harness::process(&case.document, mode.options(profile))
                        .expect_err(&what);
                    let rule = check_rejection(&r, profile, &what);
                    assert_eq!(rule, case.rule, "{what}");
                    assert_eq!(case.expected.rule, Some(case.rule), "{what}");
                    cases += 1;
                }
            }
        }
    }
    assert!(cases > 100, "{cases}");
}

/// One corpus file per rule, named after it (`RULE-ID.xml` or `RULE-ID.CASE.xml`). The
/// schema's rules are held by a document each in `tests/schema_rules.rs` and a generated
/// breach each (the generator's own tests), not by the corpus.
#[test]
fn every_rule_has_a_corpus_file_named_after_it() {
    let labels: BTreeSet<String> = corpus_cases()
        .iter()
        .map(|c| corpus_rule(&c.name))
        .collect();
    let missing: Vec<&str> = rules::ALL
        .iter()
        .filter(|r| r.stage != Stage::Schema)
        .map(|r| r.id)
        .filter(|id| !labels.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a corpus file: {missing:?}"
    );
}
