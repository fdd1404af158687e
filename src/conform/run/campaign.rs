//! The campaign of a run, as its jobs take it: the fixed sources (corpus, upstream vectors)
//! and the plan drawn from the configuration and the implementation's capabilities, the
//! stored counterexamples replayed first, and the numbered slots ([`CaseFeed`]) whose
//! generated cases are made by the job that runs them, a chunk at a time.
//!
//! It builds cases and nothing else: it must not run, judge or shrink them (see
//! [`super::schedule`]).

use std::borrow::Cow;
use std::ops::Range;
use std::path::PathBuf;

use crate::conform::CheckConfig;
use crate::conform::case::{self, CampaignPlan, Case, CaseRequest, CaseSource, FixedSource};
use crate::conform::generated::{GROUP, GeneratorWorker};
use crate::conform::implementation::Capabilities;
use crate::conform::report::Counterexample;

use super::EnvironmentError;

/// The modes and profiles both requested and supported, in the requested order.
fn intersect<T: PartialEq + Copy>(requested: &[T], supported: &[T]) -> Vec<T> {
    requested
        .iter()
        .copied()
        .filter(|x| supported.contains(x))
        .collect()
}

/// The case list of a run: the corpus and upstream vectors (the folders in `config`),
/// expanded over the modes and profiles that are both requested and supported, filtered,
/// sampled or extended to `config.cases` (with the `extra` sources, or, when there are
/// none, the source `config.extend` names), cut to the shard.
pub fn build_campaign(
    config: &CheckConfig,
    capabilities: &Capabilities,
    extra: &[&dyn CaseSource],
) -> Result<Vec<Case>, EnvironmentError> {
    Ok(build_feed(config, capabilities, extra)?.into_cases())
}

/// [`build_campaign`] from the fixed sources and the plan.
fn listed_cases(
    config: &CheckConfig,
    fixed: &[FixedSource],
    extra: &[&dyn CaseSource],
    plan: &CampaignPlan,
) -> Result<Vec<Case>, EnvironmentError> {
    let fixed_refs: Vec<&dyn CaseSource> = fixed.iter().map(|s| s as &dyn CaseSource).collect();
    let generator = crate::conform::generated::GeneratorSource;
    let extra: Vec<&dyn CaseSource> = match (extra.is_empty(), config.extend) {
        (false, _) => extra.to_vec(),
        (true, crate::conform::Extension::Generator) => vec![&generator],
        // An empty list makes the campaign extend with variants of its fixed cases.
        (true, crate::conform::Extension::Variants) => Vec::new(),
    };
    let mut cases = stored_counterexamples(config, plan)?;
    cases.extend(
        case::campaign(&fixed_refs, &extra, plan)
            .map_err(|e| EnvironmentError::Cases(e.to_string()))?,
    );
    Ok(cases)
}

/// The campaign of [`build_campaign`] as the jobs take it: cases made in advance (stored
/// counterexamples, the corpus and upstream vectors), and the generated ones made by the
/// job that runs them, so that a campaign of millions of cases never holds their documents
/// and the generator runs on every core while cases are judged. The same cases in the
/// same order as [`build_campaign`] gives.
pub fn build_feed(
    config: &CheckConfig,
    capabilities: &Capabilities,
    extra: &[&dyn CaseSource],
) -> Result<Campaign, EnvironmentError> {
    let (fixed, plan) = prepare(config, capabilities)?;
    let eager = || -> Result<Campaign, EnvironmentError> {
        Ok(Campaign {
            eager: listed_cases(config, &fixed, extra, &plan)?,
            generated: None,
        })
    };
    let wanted = config.cases.unwrap_or(0);
    if !extra.is_empty() || config.extend != crate::conform::Extension::Generator || wanted == 0 {
        return eager();
    }
    let fixed_refs: Vec<&dyn CaseSource> = fixed.iter().map(|s| s as &dyn CaseSource).collect();
    // The fixed cases the filter keeps, before sharding: as many as the campaign counts.
    let unsharded = CampaignPlan {
        cases: None,
        shard: None,
        ..plan.clone()
    };
    let fixed_cases = case::campaign(&fixed_refs, &[], &unsharded)
        .map_err(|e| EnvironmentError::Cases(e.to_string()))?;
    // The first pass, the boundary pass and the rest of the fixed cases, then the random
    // phase: a budget of any size takes the most discriminating cases first.
    let mut leading: Vec<Case> =
        crate::conform::ordered::leading_cases(fixed_cases, &plan.profiles, &plan.modes, plan.seed)
            .into_iter()
            .filter(|c| plan.keeps(&c.id))
            .collect();
    if wanted <= leading.len() {
        leading.truncate(wanted);
        let mut cases = stored_counterexamples(config, &plan)?;
        cases.extend(leading.into_iter().filter(|c| plan.in_shard(&c.id)));
        return Ok(Campaign {
            eager: cases,
            generated: None,
        });
    }
    let mut request = CaseRequest {
        seed: plan.seed,
        count: wanted - leading.len(),
        modes: plan.modes.clone(),
        profiles: plan.profiles.clone(),
    };
    if !plan.filter.is_empty() {
        request.count = slots_for_kept(&request, &plan, request.count);
    }
    let mut cases = stored_counterexamples(config, &plan)?;
    cases.extend(leading.into_iter().filter(|c| plan.in_shard(&c.id)));
    Ok(Campaign {
        eager: cases,
        generated: Some(Generated { request, plan }),
    })
}

/// How many generated slots hold the first `wanted` cases the filter keeps (as
/// [`case::kept_cases`] finds them, up to its reach): a counting pass over the generator,
/// which keeps no document.
fn slots_for_kept(request: &CaseRequest, plan: &CampaignPlan, wanted: usize) -> usize {
    let reach = wanted.saturating_mul(case::FILTER_REACH);
    let worker = GeneratorWorker::new(&CaseRequest {
        count: reach,
        ..request.clone()
    });
    // The slots end just after the `wanted`-th kept case: the cases in them that the filter
    // keeps are the ones `kept_cases` takes.
    let mut kept = 0;
    let mut count = wanted.min(reach);
    let mut from = 0;
    loop {
        for (n, case) in worker.cases(from..count) {
            if plan.keeps(&case.id) {
                kept += 1;
                if kept == wanted {
                    return n + 1;
                }
            }
        }
        if count >= reach {
            return reach;
        }
        from = count;
        count = count.saturating_mul(2).min(reach);
    }
}

/// The fixed sources and the plan of a run.
fn prepare(
    config: &CheckConfig,
    capabilities: &Capabilities,
) -> Result<(Vec<FixedSource>, CampaignPlan), EnvironmentError> {
    let modes = intersect(&config.modes, &capabilities.modes);
    let profiles = intersect(&config.profiles, &capabilities.profiles);
    if modes.is_empty() || profiles.is_empty() {
        return Err(EnvironmentError::NothingToRun(format!(
            "{} supports modes [{}] and profiles [{}]; requested modes [{}] and profiles [{}]",
            capabilities.name,
            names(capabilities.modes.iter().map(|m| m.name())),
            names(capabilities.profiles.iter().map(|p| p.name())),
            names(config.modes.iter().map(|m| m.name())),
            names(config.profiles.iter().map(|p| p.name())),
        )));
    }
    let mut fixed: Vec<FixedSource> = Vec::new();
    if config.builtin_corpus || !config.corpus_dirs.is_empty() {
        fixed.push(
            FixedSource::corpus_of(config.builtin_corpus, &config.corpus_dirs)
                .map_err(|e| EnvironmentError::Cases(e.to_string()))?,
        );
    }
    if let Some(dir) = config.upstream.dir() {
        fixed.push(FixedSource::upstream(dir).map_err(|e| EnvironmentError::Cases(e.to_string()))?);
    }
    let plan = CampaignPlan {
        seed: config.seed,
        cases: config.cases,
        modes,
        profiles,
        filter: config.filter.clone(),
        shard: config.shard,
    };
    Ok((fixed, plan))
}

/// Makes the cases present in a range of slots, with their slot numbers, in order.
pub type CaseMaker<'a> = Box<dyn FnMut(Range<usize>) -> Vec<(usize, Cow<'a, Case>)> + 'a>;

/// The cases of a run as its jobs take them: numbered slots, each holding a case or
/// nothing (a generated case that the filter or the shard leaves out, or that the
/// generator could not make).
pub trait CaseFeed: Sync {
    /// How many slots there are.
    fn slots(&self) -> usize;
    /// A maker of the cases in a range of slots, for one thread: the cases present, with
    /// their slot numbers, in order.
    fn worker(&self) -> CaseMaker<'_>;
}

impl CaseFeed for [Case] {
    fn slots(&self) -> usize {
        self.len()
    }

    fn worker(&self) -> CaseMaker<'_> {
        Box::new(move |range: Range<usize>| {
            let range = range.start.min(self.len())..range.end.min(self.len());
            range.map(|i| (i, Cow::Borrowed(&self[i]))).collect()
        })
    }
}

impl CaseFeed for Vec<Case> {
    fn slots(&self) -> usize {
        self.len()
    }

    fn worker(&self) -> CaseMaker<'_> {
        self.as_slice().worker()
    }
}

/// A campaign from [`build_feed`].
#[derive(Debug, Clone)]
pub struct Campaign {
    /// Cases made in advance, in the first slots.
    eager: Vec<Case>,
    /// Generated cases, made on demand in the slots after them.
    generated: Option<Generated>,
}

#[derive(Debug, Clone)]
struct Generated {
    /// What is asked of the generator (its count: the cases before filter and shard).
    request: CaseRequest,
    /// The filter and the shard.
    plan: CampaignPlan,
}

impl Campaign {
    /// The first slot of the generated cases: after the cases made in advance, at a
    /// multiple of [`GROUP`], so that a job's range of slots draws each definition once.
    fn generated_start(&self) -> usize {
        self.eager.len().next_multiple_of(GROUP)
    }

    /// Every case, made now (for tests and small campaigns).
    pub fn into_cases(self) -> Vec<Case> {
        self.worker()(0..self.slots())
            .into_iter()
            .map(|(_, c)| c.into_owned())
            .collect()
    }
}

impl CaseFeed for Campaign {
    fn slots(&self) -> usize {
        match &self.generated {
            None => self.eager.len(),
            Some(g) => self.generated_start() + g.request.count,
        }
    }

    fn worker(&self) -> CaseMaker<'_> {
        let start = self.generated_start();
        // The generator's strategies are made at the first generated case this thread
        // is asked for.
        let mut generator: Option<GeneratorWorker> = None;
        Box::new(move |range: Range<usize>| {
            let mut out: Vec<(usize, Cow<'_, Case>)> = Vec::new();
            let eager_end = range.end.min(self.eager.len());
            for i in range.start..eager_end {
                out.push((i, Cow::Borrowed(&self.eager[i])));
            }
            if let Some(g) = &self.generated {
                if range.end > start {
                    let from = range.start.max(start) - start;
                    let to = range.end - start;
                    let maker = generator.get_or_insert_with(|| GeneratorWorker::new(&g.request));
                    for (n, case) in maker.cases(from..to) {
                        if g.plan.keeps(&case.id) && g.plan.in_shard(&case.id) {
                            out.push((start + n, Cow::Owned(case)));
                        }
                    }
                }
            }
            out
        })
    }
}

/// The cases of every counterexample file in `config.replay_dirs` (files ending in `.json`,
/// in name order), as `counterexample/FILE-STEM`, for the requested modes and profiles,
/// filtered and cut to the shard like every other case. A file that is not a
/// counterexample is an error naming it.
fn stored_counterexamples(
    config: &CheckConfig,
    plan: &CampaignPlan,
) -> Result<Vec<Case>, EnvironmentError> {
    let mut cases = Vec::new();
    for dir in &config.replay_dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| EnvironmentError::io(dir, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for file in files {
            let mut case = Counterexample::read(&file)?.case()?;
            let stem = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            case.id = format!("counterexample/{stem}");
            let wanted = plan.modes.contains(&case.mode)
                && plan.profiles.contains(&case.profile)
                && plan.keeps(&case.id)
                && plan.in_shard(&case.id);
            if wanted {
                cases.push(case);
            }
        }
    }
    Ok(cases)
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}
