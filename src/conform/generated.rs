//! The grammar-driven generator ([`crate::generator`]) as a [`CaseSource`]: valid documents
//! in many spellings and invalid ones that each break one named rule, drawn from its
//! proptest strategies with a generator seeded from the run's seed and the case's number.
//!
//! Case `i` depends only on the seed and `i` (and the requested modes and profiles), so
//! every prefix of a campaign is the same in every run. Only the documents are taken from
//! the generator: the expectation of a case is always the reference's outcome.

use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::generator::InvalidCase;
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
    valid: BoxedStrategy<String>,
    invalid: BoxedStrategy<InvalidCase>,
}

/// Case `i` of the campaign (`None` when the generator gave up on it).
fn case(combos: &[Strategies], seed: u64, i: usize) -> Option<Case> {
    let combo = &combos[(i / 2) % combos.len()];
    let mut runner = runner(seed, i as u64);
    let suffix = format!("{i}@{}/{}", combo.profile.name(), combo.mode.name());
    if i % 2 == 0 {
        let document = combo.valid.new_tree(&mut runner).ok()?.current();
        Some(Case {
            id: format!("generated/valid/{suffix}"),
            rule: "generated.valid".into(),
            source: "generated".into(),
            profile: combo.profile,
            mode: combo.mode,
            document: document.into_bytes(),
        })
    } else {
        let invalid = combo.invalid.new_tree(&mut runner).ok()?.current();
        Some(Case {
            id: format!("generated/invalid/{}/{suffix}", invalid.rule),
            rule: invalid.rule.to_string(),
            source: "generated".into(),
            profile: combo.profile,
            mode: combo.mode,
            document: invalid.document,
        })
    }
}

impl CaseSource for GeneratorSource {
    fn name(&self) -> &str {
        "generated"
    }

    fn cases(&self, request: &CaseRequest) -> Result<Vec<Case>, SourceError> {
        let combos = || {
            let mut combos = Vec::new();
            for &profile in &request.profiles {
                for &mode in &request.modes {
                    combos.push(Strategies {
                        profile,
                        mode,
                        valid: crate::generator::valid_documents(profile, mode),
                        invalid: crate::generator::invalid(profile, mode),
                    });
                }
            }
            combos
        };
        if request.profiles.is_empty() || request.modes.is_empty() {
            return Ok(Vec::new());
        }
        // Case i depends only on the seed and i, so the range is split over the cores and
        // the pieces joined in order: the same list as one thread would make.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, request.count.div_ceil(256).max(1));
        let chunk = request.count.div_ceil(threads);
        let pieces: Vec<Vec<Case>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let range = (t * chunk)..((t + 1) * chunk).min(request.count);
                    let combos = &combos;
                    scope.spawn(move || {
                        // proptest's boxed strategies are not Send: each thread builds its own.
                        let combos = combos();
                        range
                            .filter_map(|i| case(&combos, request.seed, i))
                            .collect::<Vec<Case>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        Ok(pieces.into_iter().flatten().collect())
    }
}
