//! Deterministic streams of generated cases, for the `generate` command and for campaigns:
//! the same seed gives the same cases, byte for byte.
//!
//! A stream starts with a coverage pass (valid cases: drawn until every production of
//! [`super::coverage::productions`] is reached, keeping only cases that reach something new;
//! invalid cases: every rule id once, in order) and continues with random cases.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::coverage::Coverage;
use super::{InvalidCase, ValidCase, invalid};
use crate::{Mode, Profile, Rejection};

/// Which cases a stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Valid documents only.
    Valid,
    /// Invalid documents only.
    Invalid,
    /// Valid and invalid, alternating.
    Mixed,
}

/// One generated case, ready to write out.
#[derive(Debug, Clone)]
pub struct GeneratedCase {
    /// A stable id: `<profile>-<mode>-<n>`.
    pub id: String,
    /// The libvirt version.
    pub profile: Profile,
    /// How the document is processed.
    pub mode: Mode,
    /// `valid`, or the catalogue id of the rule libvirt refuses the document by.
    pub rule: String,
    /// `valid`, or the breach that made the document (the rule's id, or `id/variant`; see
    /// [`invalid::rule_ids`]).
    pub breach: String,
    /// The document.
    pub document: Vec<u8>,
    /// libvirt's verdict: the canonical output, or the rejection.
    pub expected: Result<String, Rejection>,
    /// Whether the rejection's message is libvirt's exact text (false: libxml2's wording,
    /// compare stage, code and domain only).
    pub message_is_libvirts: bool,
}

/// How many draws the coverage pass may spend before it gives up on the rest.
const COVERAGE_BUDGET: usize = 20_000;

fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&(!seed).to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// A case before it gets its id: rule, breach, document, expectation, whether the message
/// is libvirt's own.
type Drawn = (String, String, Vec<u8>, Result<String, Rejection>, bool);

fn from_valid(case: ValidCase) -> Drawn {
    (
        "valid".to_string(),
        "valid".to_string(),
        case.document.into_bytes(),
        Ok(case.expected),
        true,
    )
}

fn from_invalid(case: InvalidCase) -> Drawn {
    (
        case.rule.id.to_string(),
        case.breach.to_string(),
        case.document,
        Err(case.expected),
        case.message_is_libvirts,
    )
}

/// The first `count` cases of the stream for `profile`, `mode`, `kind` and `seed`.
pub fn generate(
    profile: Profile,
    mode: Mode,
    kind: Kind,
    seed: u64,
    count: usize,
) -> Vec<GeneratedCase> {
    let mut runner = runner(seed);
    let valid = super::valid(profile, mode);
    let invalid_cases = invalid::invalid(profile, mode);
    let mut out: Vec<Drawn> = Vec::with_capacity(count);

    // Coverage pass.
    let mut valid_first = Vec::new();
    if kind != Kind::Invalid {
        let mut coverage = Coverage::default();
        for _ in 0..COVERAGE_BUDGET {
            if coverage.missing(profile, mode).is_empty() {
                break;
            }
            let Ok(tree) = valid.new_tree(&mut runner) else {
                break;
            };
            let case = tree.current();
            if coverage.record(&case.definition) {
                valid_first.push(case);
            }
        }
    }
    let mut invalid_first = Vec::new();
    if kind != Kind::Valid {
        let base = valid
            .new_tree(&mut runner)
            .map(|t| t.current().definition)
            .unwrap_or_default();
        for (i, id) in invalid::rule_ids(profile, mode).into_iter().enumerate() {
            if let Some(case) =
                invalid::break_rule(id, &base, seed.wrapping_add(i as u64), profile, mode)
            {
                invalid_first.push(case);
            }
        }
    }
    let mut v = valid_first.into_iter();
    let mut n = invalid_first.into_iter();
    while out.len() < count {
        let next = match kind {
            Kind::Valid => v.next().map(from_valid),
            Kind::Invalid => n.next().map(from_invalid),
            Kind::Mixed => {
                if out.len() % 2 == 0 {
                    v.next()
                        .map(from_valid)
                        .or_else(|| n.next().map(from_invalid))
                } else {
                    n.next()
                        .map(from_invalid)
                        .or_else(|| v.next().map(from_valid))
                }
            }
        };
        match next {
            Some(case) => out.push(case),
            None => break,
        }
    }

    // Random cases.
    while out.len() < count {
        let want_valid = match kind {
            Kind::Valid => true,
            Kind::Invalid => false,
            Kind::Mixed => out.len() % 2 == 0,
        };
        let case = if want_valid {
            valid
                .new_tree(&mut runner)
                .ok()
                .map(|t| from_valid(t.current()))
        } else {
            invalid_cases
                .new_tree(&mut runner)
                .ok()
                .map(|t| from_invalid(t.current()))
        };
        match case {
            Some(case) => out.push(case),
            None => break,
        }
    }

    out.into_iter()
        .enumerate()
        .map(
            |(i, (rule, breach, document, expected, message_is_libvirts))| GeneratedCase {
                id: format!("{profile}-{mode}-{i:06}"),
                profile,
                mode,
                rule,
                breach,
                document,
                expected,
                message_is_libvirts,
            },
        )
        .collect()
}

/// The coverage a stream's valid cases reach.
pub fn coverage_of(cases: &[GeneratedCase]) -> Coverage {
    let mut coverage = Coverage::default();
    for case in cases.iter().filter(|c| c.rule == "valid") {
        let options = case.mode.options(case.profile);
        if let Ok(def) = crate::parse(
            &case.document,
            crate::Options {
                align: false,
                ..options
            },
        ) {
            coverage.record(&def);
        }
    }
    coverage
}

/// One manifest line (JSON) for `case`, whose document was written to `file`.
pub fn manifest_line(case: &GeneratedCase, file: &str) -> String {
    let expected = match &case.expected {
        Ok(output) => serde_json::json!({ "verdict": "accept", "output": output }),
        Err(r) => serde_json::json!({
            "verdict": "reject",
            "stage": r.stage.as_str(),
            "code": r.code,
            "domain": r.domain,
            "message": if case.message_is_libvirts { Some(r.message.as_str()) } else { None },
        }),
    };
    serde_json::json!({
        "id": case.id,
        "file": file,
        "profile": case.profile.name(),
        "mode": case.mode.name(),
        "rule": case.rule,
        "expected": expected,
    })
    .to_string()
}

/// What `generate` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// How many cases.
    pub cases: usize,
    /// The manifest's path.
    pub manifest: std::path::PathBuf,
    /// Grammar coverage of the valid cases (with the production lists of each profile
    /// and mode written).
    pub coverage: Vec<(Profile, Mode, Coverage)>,
}

/// Writes every case of `streams` into `dir` (`cases/<id>.xml`) with a manifest of JSON
/// lines (`manifest.jsonl`: id, file, profile, mode, rule, expected verdict and output).
pub fn write_to_dir(
    dir: &std::path::Path,
    streams: &[(Profile, Mode)],
    kind: Kind,
    seed: u64,
    count: usize,
) -> std::io::Result<Written> {
    let cases_dir = dir.join("cases");
    std::fs::create_dir_all(&cases_dir)?;
    let mut manifest = String::new();
    let mut total = 0;
    let mut coverage = Vec::new();
    for &(profile, mode) in streams {
        let cases = generate(profile, mode, kind, seed, count);
        for case in &cases {
            let file = format!("cases/{}.xml", case.id);
            std::fs::write(dir.join(&file), &case.document)?;
            manifest.push_str(&manifest_line(case, &file));
            manifest.push('\n');
        }
        total += cases.len();
        coverage.push((profile, mode, coverage_of(&cases)));
    }
    let path = dir.join("manifest.jsonl");
    std::fs::write(&path, manifest)?;
    Ok(Written {
        cases: total,
        manifest: path,
        coverage,
    })
}
