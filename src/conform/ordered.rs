//! The order of a campaign with a budget (`--cases N`): the most discriminating cases
//! first, whatever N is.
//!
//! 1. **First pass**: the generator's coverage pass (valid documents until every production
//!    of the grammar is reached in some profile, each draw the best of several; every rule
//!    id broken once) interleaved with the fixed corpus's first pass (libvirt's upstream
//!    vectors, and one corpus file for each rule the corpus breaks, which the generator
//!    then does not break again), in the campaign's profiles and modes turn about. A rule
//!    that a document of the boundary pass is refused by is left to that document.
//! 2. **Boundary pass** ([`crate::generator::boundary`]): number edges, near misses of
//!    enumerated values, string kinds, repeated elements.
//! 3. **The rest of the fixed cases**: the other corpus files, and every file in its other
//!    profiles and modes.
//!
//! The random phase of the generator follows, in the slots after these. Everything here
//! depends only on the seed, the profiles, the modes and the fixed cases.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::generator::boundary::boundary_cases;
use crate::generator::coverage::Coverage;
use crate::generator::invalid::{break_rule, rule_ids};
use crate::{Mode, Profile};

use super::case::Case;

/// How many valid documents the coverage pass may draw per profile before it stops
/// looking for the productions it has not reached.
const COVERAGE_DRAWS: usize = 4_000;

/// How many draws each document of the coverage pass is the best of.
const CANDIDATES: usize = 12;

fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(b"coverage");
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

fn key(case: &Case) -> &str {
    case.id.split('@').next().unwrap_or(&case.id)
}

/// The cases of a budgeted campaign before its random phase: the first pass, the
/// boundary pass, then the rest of `fixed` (in its own order).
pub fn leading_cases(
    fixed: Vec<Case>,
    profiles: &[Profile],
    modes: &[Mode],
    seed: u64,
) -> Vec<Case> {
    let combos: Vec<(Profile, Mode)> = profiles
        .iter()
        .flat_map(|&p| modes.iter().map(move |&m| (p, m)))
        .collect();
    if combos.is_empty() {
        return fixed;
    }
    // The corpus's first pass: each file once, its combinations taken turn about.
    let mut first_of: std::collections::HashMap<String, Vec<usize>> = Default::default();
    let mut files: Vec<String> = Vec::new();
    for (i, case) in fixed.iter().enumerate() {
        let k = key(case).to_string();
        let slot = first_of.entry(k.clone()).or_default();
        if slot.is_empty() {
            files.push(k);
        }
        slot.push(i);
    }
    let boundary: Vec<Case> = boundary_cases(&combos, seed)
        .into_iter()
        .map(|b| Case {
            id: format!("boundary/{}@{}/{}", b.name, b.profile.name(), b.mode.name()),
            rule: b
                .name
                .split(['=', '*'])
                .next()
                .map_or_else(|| "boundary".to_string(), |kind| format!("boundary.{kind}")),
            source: "boundary".into(),
            profile: b.profile,
            mode: b.mode,
            document: b.document,
        })
        .collect();
    // The rules the boundary pass's refused documents are refused by are reached there:
    // neither the corpus's first pass nor the generator breaks them again before it.
    let broken_by_boundary: std::collections::HashSet<&'static str> = boundary
        .iter()
        .filter_map(|c| {
            crate::process(&c.document, c.mode.options(c.profile))
                .err()?
                .rule
                .map(|r| r.id)
        })
        .collect();

    // Of those, the first pass takes libvirt's upstream vectors and one corpus file per
    // catalogue rule; the others wait for the third.
    let mut taken = vec![false; fixed.len()];
    let mut corpus_first: Vec<usize> = Vec::new();
    let mut rules_taken: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (n, file) in files.iter().enumerate() {
        let all = &first_of[file];
        let pick = all[n % all.len()];
        let case = &fixed[pick];
        let wanted = case.source == "upstream"
            || (crate::rules::by_id(&case.rule).is_some()
                && !broken_by_boundary.contains(case.rule.as_str())
                && rules_taken.insert(case.rule.as_str()));
        if wanted {
            taken[pick] = true;
            corpus_first.push(pick);
        }
    }
    let mut broken = rules_taken;
    broken.extend(broken_by_boundary.iter().copied());

    // What the fixed first pass and the boundary pass reach already needs no generated
    // document of its own.
    let reached: Vec<&Case> = corpus_first
        .iter()
        .map(|&i| &fixed[i])
        .chain(&boundary)
        .collect();
    let coverage = coverage_pass(&combos, seed, &broken, &reached);
    let corpus: Vec<Case> = corpus_first.iter().map(|&i| fixed[i].clone()).collect();
    let mut first = turn_about(coverage, corpus);
    first.extend(boundary);
    first.extend(
        fixed
            .into_iter()
            .zip(taken)
            .filter(|(_, t)| !t)
            .map(|(c, _)| c),
    );
    first
}

/// Valid cases until every production is reached (per profile and kind of parse, counting
/// what the `reached` cases that libvirt accepts reach already), turn about with one case
/// per rule id that the corpus does not break already.
fn coverage_pass(
    combos: &[(Profile, Mode)],
    seed: u64,
    broken: &std::collections::HashSet<&str>,
    reached: &[&Case],
) -> Vec<Case> {
    let mut runner = runner(seed);
    let mut valid: Vec<Case> = Vec::new();
    // Parse and align read the same productions; internal parses read more. A production
    // is reached once for every profile that has it: the implementation under test reads
    // it the same way whichever libvirt it is compared with.
    type Target = (bool, Coverage, Vec<(Profile, Mode)>);
    let mut targets: Vec<Target> = Vec::new();
    for &(p, m) in combos {
        let internal = m.options(p).internal;
        match targets.iter_mut().find(|t| t.0 == internal) {
            Some(t) => t.2.push((p, m)),
            None => targets.push((internal, Coverage::default(), vec![(p, m)])),
        }
    }
    for case in reached {
        let options = case.mode.options(case.profile);
        let target = targets.iter_mut().find(|t| t.0 == options.internal);
        if let (Some(t), Ok(def)) = (
            target,
            crate::parse(
                &case.document,
                crate::Options {
                    align: false,
                    ..options
                },
            ),
        ) {
            t.1.record(&def);
        }
    }
    for (_, coverage, combos) in &mut targets {
        let strategies: Vec<_> = combos
            .iter()
            .map(|&(p, m)| (p, m, crate::generator::valid(p, m)))
            .collect();
        let mut turn = 0;
        let mut draws = 0;
        while draws < COVERAGE_DRAWS {
            // The next combination, in turn, that still misses a production of its own.
            let Some(next) = (0..strategies.len())
                .map(|k| (turn + k) % strategies.len())
                .find(|&i| {
                    !coverage
                        .missing(strategies[i].0, strategies[i].1)
                        .is_empty()
                })
            else {
                break;
            };
            turn = next;
            let (profile, mode, strategy) = &strategies[turn];
            let missing = coverage.missing(*profile, *mode).len();
            // The best of several draws: the one that reaches most of what is missing.
            let mut best: Option<(usize, Coverage, crate::generator::ValidCase)> = None;
            for _ in 0..CANDIDATES {
                draws += 1;
                let Ok(tree) = strategy.new_tree(&mut runner) else {
                    break;
                };
                let case = tree.current();
                let mut with = coverage.clone();
                with.record(&case.definition);
                let left = with.missing(*profile, *mode).len();
                if best.as_ref().is_none_or(|b| left < b.0) {
                    best = Some((left, with, case));
                }
            }
            let Some((left, with, case)) = best else {
                break;
            };
            if left < missing {
                *coverage = with;
                valid.push(Case {
                    id: format!(
                        "generated/coverage/valid/{}@{}/{}",
                        valid.len(),
                        profile.name(),
                        mode.name()
                    ),
                    rule: "generated.valid".into(),
                    source: "generated".into(),
                    profile: *profile,
                    mode: *mode,
                    document: case.document.into_bytes(),
                });
                turn += 1;
            }
        }
    }
    // Each rule id once, in the first combination (from a rotating start) that has it.
    let mut invalid: Vec<Case> = Vec::new();
    let mut done: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let ids: Vec<Vec<&'static str>> = combos.iter().map(|&(p, m)| rule_ids(p, m)).collect();
    let bases: Vec<_> = combos
        .iter()
        .map(|&(p, m)| {
            crate::generator::definitions(p, m)
                .new_tree(&mut runner)
                .map(|t| t.current())
                .unwrap_or_default()
        })
        .collect();
    let order: Vec<&'static str> = {
        let mut seen = std::collections::HashSet::new();
        ids.iter()
            .flatten()
            .copied()
            .filter(|b| seen.insert(*b))
            .collect()
    };
    for breach in order {
        let rule = breach.split('/').next().unwrap_or(breach);
        if broken.contains(rule) || done.contains(rule) {
            continue;
        }
        let n = invalid.len();
        let made = (0..combos.len()).find_map(|offset| {
            let c = (n + offset) % combos.len();
            let (p, m) = combos[c];
            if !ids[c].contains(&breach) {
                return None;
            }
            break_rule(breach, &bases[c], seed.wrapping_add(n as u64), p, m).map(|i| (p, m, i))
        });
        if let Some((p, m, case)) = made {
            done.insert(rule);
            invalid.push(Case {
                id: format!(
                    "generated/coverage/{}@{}/{}",
                    case.breach,
                    p.name(),
                    m.name()
                ),
                rule: case.rule.id.to_string(),
                source: "generated".into(),
                profile: p,
                mode: m,
                document: case.document,
            });
        }
    }
    turn_about(valid, invalid)
}

/// `a` and `b` turn about, one case each, until both are used up.
fn turn_about(a: Vec<Case>, b: Vec<Case>) -> Vec<Case> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter(), b.into_iter());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return out,
            (x, y) => out.extend(x.into_iter().chain(y)),
        }
    }
}
