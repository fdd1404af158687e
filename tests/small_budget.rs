//! A campaign with a small budget takes the most discriminating cases first: `--cases 300`
//! reaches every rule id (the generator's and the corpus's) and every document of the
//! boundary pass, in one profile or two.

use std::collections::BTreeSet;

use domainbackup_harness::conform::implementation::ReferenceLauncher;
use domainbackup_harness::conform::run::build_campaign;
use domainbackup_harness::conform::{CheckConfig, Launcher};
use domainbackup_harness::generator::boundary::boundary_cases;
use domainbackup_harness::generator::invalid::rule_ids;
use domainbackup_harness::{Mode, Profile};

fn campaign(
    profiles: &[Profile],
    cases: usize,
    seed: u64,
) -> Vec<domainbackup_harness::conform::Case> {
    let reference = ReferenceLauncher::new();
    let config = CheckConfig {
        profiles: profiles.to_vec(),
        cases: Some(cases),
        seed,
        ..CheckConfig::default()
    };
    build_campaign(&config, reference.capabilities(), &[]).expect("a campaign")
}

#[test]
fn three_hundred_cases_reach_every_rule_and_every_boundary() {
    for profiles in [
        &[Profile::V9_0][..],
        &[Profile::V11_3],
        &[Profile::V9_0, Profile::V11_3],
    ] {
        let combos: Vec<(Profile, Mode)> = profiles
            .iter()
            .flat_map(|&p| domainbackup_harness::conform::CAMPAIGN_MODES.map(|m| (p, m)))
            .collect();
        for seed in [0, 1, 7] {
            let cases = campaign(profiles, 300, seed);
            assert_eq!(cases.len(), 300);
            // A rule is reached by a case that libvirt refuses by it, or by the generated
            // case that breaks it (which may be refused by another rule first, where the
            // version decides).
            let mut rules: BTreeSet<String> = cases.iter().map(|c| c.rule.clone()).collect();
            rules.extend(cases.iter().filter_map(|c| {
                let breach =
                    c.id.strip_prefix("generated/coverage/")?
                        .split('@')
                        .next()?;
                Some(breach.split('/').next().unwrap_or(breach).to_string())
            }));
            // A boundary document reaches the rule libvirt refuses it by.
            rules.extend(
                cases
                    .iter()
                    .filter(|c| c.source == "boundary")
                    .filter_map(|c| {
                        let refused =
                            domainbackup_harness::process(&c.document, c.mode.options(c.profile))
                                .err()?;
                        Some(refused.rule?.id.to_string())
                    }),
            );
            let wanted: BTreeSet<String> = combos
                .iter()
                .flat_map(|&(p, m)| rule_ids(p, m))
                .map(|b| b.split('/').next().unwrap_or(b).to_string())
                .collect();
            let missing: Vec<&String> = wanted.difference(&rules).collect();
            let boundary: BTreeSet<String> = boundary_cases(&combos, seed)
                .into_iter()
                .map(|b| b.name)
                .collect();
            let reached: BTreeSet<String> = cases
                .iter()
                .filter_map(|c| c.id.strip_prefix("boundary/"))
                .map(|id| id.rsplit_once('@').map_or(id, |(name, _)| name).to_string())
                .collect();
            let unreached: Vec<&String> = boundary.difference(&reached).collect();
            let first_pass = cases
                .iter()
                .position(|c| c.source == "boundary")
                .unwrap_or(300);
            let mut by_source = std::collections::BTreeMap::new();
            for c in &cases[..first_pass] {
                *by_source
                    .entry(format!(
                        "{}:{}",
                        c.source,
                        c.id.starts_with("generated/coverage/valid")
                    ))
                    .or_insert(0) += 1;
            }
            eprintln!("first pass {by_source:?}");
            eprintln!(
                "{profiles:?} seed {seed}: {} rule ids, {} missing; {} boundary documents, {} unreached; first boundary case at {:?}",
                wanted.len(),
                missing.len(),
                boundary.len(),
                unreached.len(),
                cases.iter().position(|c| c.source == "boundary")
            );
            assert!(
                missing.is_empty(),
                "{profiles:?} seed {seed}: rules not reached in 300 cases: {missing:?}"
            );
            // The boundary pass follows the first pass, each of its documents once, and ends
            // within the 300.
            let ends = cases
                .iter()
                .rposition(|c| c.source == "boundary")
                .map(|i| i + 1);
            eprintln!("  boundary pass ends at case {ends:?}");
            assert!(
                unreached.is_empty(),
                "{profiles:?} seed {seed}: boundary documents not reached in 300 cases: {unreached:?}"
            );
            assert_eq!(
                cases.iter().filter(|c| c.source == "boundary").count(),
                boundary.len(),
                "{profiles:?} seed {seed}: every boundary document once"
            );
        }
    }
}
