//! The grammar-driven generator ([`crate::generator`]) as a [`CaseSource`]: valid documents
//! in many spellings and invalid ones that each break one named rule, drawn from its
//! proptest strategies with a generator seeded from the run's seed and the case's number.
//!
//! Cases come in groups of [`GROUP`]: one definition is drawn per group, then written as
//! valid documents in two spellings and broken by two rules. Drawing a definition costs
//! three times as much as writing it, so a campaign makes cases about 2.5 times as fast as with
//! a definition per case, with the same spread of spellings and rules.
//!
//! Case `i` depends only on the seed and `i` (and the requested modes and profiles), so
//! every prefix of a campaign is the same in every run. Only the documents are taken from
//! the generator: the expectation of a case is always the reference's outcome.

use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::generator::invalid::{break_rule, rule_ids};
use crate::model::DomainBackup;
use crate::{Mode, Profile};

use super::case::{Case, CaseRequest, CaseSource, Rng, SourceError};

/// Cases from the grammar generator: even numbers valid, odd numbers invalid; each group
/// of [`GROUP`] shares a definition and a profile and mode, cycling through the requested
/// profiles and modes.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeneratorSource;

/// Cases per drawn definition.
pub const GROUP: usize = 4;

/// How often an invalid case draws another rule when the one drawn cannot be broken in
/// the group's definition (a rule about disks in a definition without disks).
const RULE_TRIES: usize = 16;

fn runner(seed: u64, group: u64) -> TestRunner {
    seeded_runner(seed, group, *b"dombkup!")
}

/// A proptest runner whose choices depend only on `seed`, `n` and `tag` (which keeps the
/// draws of one use apart from another's).
pub(crate) fn seeded_runner(seed: u64, n: u64, tag: [u8; 8]) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&n.to_le_bytes());
    bytes[16..24].copy_from_slice(&tag);
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

struct Combo {
    profile: Profile,
    mode: Mode,
    definitions: BoxedStrategy<DomainBackup>,
    rules: Vec<&'static str>,
}

/// The cases of group `group` whose numbers are in `range`, with their numbers (a number
/// is missing where the generator gave up).
fn group_cases(
    combos: &[Combo],
    seed: u64,
    group: usize,
    range: std::ops::Range<usize>,
) -> Vec<(usize, Case)> {
    let combo = &combos[group % combos.len()];
    let mut runner = runner(seed, group as u64);
    let Ok(tree) = combo.definitions.new_tree(&mut runner) else {
        return Vec::new();
    };
    let definition = tree.current();
    // Spelling seeds and rule choices: a small generator of the group's own.
    let mut rng = Rng::new(seed ^ (group as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut out = Vec::with_capacity(GROUP);
    for i in group * GROUP..(group + 1) * GROUP {
        let spelling = rng.next_u64();
        let pick = rng.next_u64();
        if !range.contains(&i) {
            continue;
        }
        let suffix = format!("{i}@{}/{}", combo.profile.name(), combo.mode.name());
        if i % 2 == 0 {
            let document =
                crate::generator::valid_document(&definition, combo.profile, combo.mode, spelling);
            out.push((
                i,
                Case {
                    id: format!("generated/valid/{suffix}"),
                    rule: "generated.valid".into(),
                    source: "generated".into(),
                    profile: combo.profile,
                    mode: combo.mode,
                    document: document.into_bytes(),
                },
            ));
        } else {
            let mut picker = Rng::new(pick);
            let broken = (0..RULE_TRIES).find_map(|_| {
                let rule = combo.rules[picker.below(combo.rules.len())];
                break_rule(rule, &definition, spelling, combo.profile, combo.mode)
            });
            if let Some(invalid) = broken {
                out.push((
                    i,
                    Case {
                        id: format!("generated/invalid/{}/{suffix}", invalid.breach),
                        rule: invalid.rule.id.to_string(),
                        source: "generated".into(),
                        profile: combo.profile,
                        mode: combo.mode,
                        document: invalid.document,
                    },
                ));
            }
        }
    }
    out
}

fn combos(request: &CaseRequest) -> Vec<Combo> {
    let mut combos = Vec::new();
    for &profile in &request.profiles {
        for &mode in &request.modes {
            combos.push(Combo {
                profile,
                mode,
                definitions: crate::generator::definitions(profile, mode),
                rules: rule_ids(profile, mode),
            });
        }
    }
    combos
}

/// Makes the cases of one request on demand, any range of case numbers at a time, on the
/// thread that made it (proptest's strategies are not `Send`). The cases are those
/// [`GeneratorSource::cases`] gives for the same request.
pub struct GeneratorWorker {
    seed: u64,
    count: usize,
    combos: Vec<Combo>,
}

impl GeneratorWorker {
    /// A maker of `request`'s cases.
    pub fn new(request: &CaseRequest) -> GeneratorWorker {
        let empty = request.profiles.is_empty() || request.modes.is_empty();
        GeneratorWorker {
            seed: request.seed,
            count: if empty { 0 } else { request.count },
            combos: if empty { Vec::new() } else { combos(request) },
        }
    }

    /// The cases numbered in `range` (cut to the request's count), with their numbers; a
    /// number is missing where the generator gave up. A range that starts and ends on a
    /// multiple of [`GROUP`] draws each definition once.
    pub fn cases(&self, range: std::ops::Range<usize>) -> Vec<(usize, Case)> {
        let range = range.start.min(self.count)..range.end.min(self.count);
        if range.is_empty() {
            return Vec::new();
        }
        (range.start / GROUP..range.end.div_ceil(GROUP))
            .flat_map(|g| group_cases(&self.combos, self.seed, g, range.clone()))
            .collect()
    }
}

impl CaseSource for GeneratorSource {
    fn name(&self) -> &str {
        "generated"
    }

    fn cases(&self, request: &CaseRequest) -> Result<Vec<Case>, SourceError> {
        // Case i depends only on the seed and i, so the groups are split over the cores
        // and the pieces joined in order: the same list as one thread would make.
        let groups = request.count.div_ceil(GROUP);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, groups.div_ceil(64).max(1));
        let chunk = groups.div_ceil(threads);
        let pieces: Vec<Vec<Case>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let range = (t * chunk * GROUP)..((t + 1) * chunk * GROUP);
                    scope.spawn(move || {
                        // proptest's boxed strategies are not Send: each thread has its own.
                        GeneratorWorker::new(request)
                            .cases(range)
                            .into_iter()
                            .map(|(_, case)| case)
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
