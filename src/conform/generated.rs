//! The grammar-driven generator ([`crate::generator`]) as a [`CaseSource`]: valid documents
//! in many spellings and invalid ones that each break one named rule, drawn from its
//! proptest strategies with a generator seeded from the run's seed and the case's number.
//!
//! Case `i` depends only on the seed and `i` (and the requested modes and profiles), so
//! every prefix of a campaign is the same in every run. Only the documents are taken from
//! the generator: the expectation of a case is always the reference's outcome.

use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::generator::{InvalidCase, ValidCase};
use crate::{Mode, Profile};

use super::case::{Case, CaseRequest, CaseSource, SourceError};

/// Cases from the grammar generator: even numbers valid, odd numbers invalid, cycling
/// through the requested profiles and modes.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeneratorSource;

fn runner(seed: u64, i: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&i.to_le_bytes());
    bytes[16..24].copy_from_slice(b"dombkup!");
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

struct Strategies {
    profile: Profile,
    mode: Mode,
    valid: BoxedStrategy<ValidCase>,
    invalid: BoxedStrategy<InvalidCase>,
}

impl CaseSource for GeneratorSource {
    fn name(&self) -> &str {
        "generated"
    }

    fn cases(&self, request: &CaseRequest) -> Result<Vec<Case>, SourceError> {
        let mut combos = Vec::new();
        for &profile in &request.profiles {
            for &mode in &request.modes {
                combos.push(Strategies {
                    profile,
                    mode,
                    valid: crate::generator::valid(profile, mode),
                    invalid: crate::generator::invalid(profile, mode),
                });
            }
        }
        if combos.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(request.count);
        for i in 0..request.count {
            let combo = &combos[(i / 2) % combos.len()];
            let mut runner = runner(request.seed, i as u64);
            let suffix = format!("{i}@{}/{}", combo.profile.name(), combo.mode.name());
            let case = if i % 2 == 0 {
                let Ok(tree) = combo.valid.new_tree(&mut runner) else {
                    continue;
                };
                let valid = tree.current();
                Case {
                    id: format!("generated/valid/{suffix}"),
                    rule: "generated.valid".into(),
                    source: "generated".into(),
                    profile: combo.profile,
                    mode: combo.mode,
                    document: valid.document.into_bytes(),
                }
            } else {
                let Ok(tree) = combo.invalid.new_tree(&mut runner) else {
                    continue;
                };
                let invalid = tree.current();
                Case {
                    id: format!("generated/invalid/{}/{suffix}", invalid.rule),
                    rule: invalid.rule.to_string(),
                    source: "generated".into(),
                    profile: combo.profile,
                    mode: combo.mode,
                    document: invalid.document,
                }
            };
            out.push(case);
        }
        Ok(out)
    }
}
