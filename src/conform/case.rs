//! Cases and where they come from.
//!
//! A [`Case`] is one document put through one mode under one profile. Its expectation is
//! always the reference's outcome ([`Case::expectation`]), never written down by hand.
//! Sources implement [`CaseSource`]: the project's corpus and libvirt's upstream vectors
//! ([`FixedSource`], every document in every requested mode and profile), the grammar
//! generator ([`super::generated::GeneratorSource`], what a campaign is extended with by
//! default) and [`VariantSource`], seeded structure-preserving respellings of fixed cases
//! (`--extend variants`). [`campaign`] builds the deterministic case list of a run.

use std::path::{Path, PathBuf};

use crate::{Mode, Profile, Rejection};

use super::xmltree::XDocument;

/// One document, one mode, one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Unique within a campaign, without whitespace:
    /// `SOURCE/NAME@PROFILE/MODE`, e.g. `corpus/rules.parse.mode.unknown@11.3/parse`.
    pub id: String,
    /// The rule the document exercises (known-failure lists and reports group by it): a
    /// catalogue id ([`crate::rules`]) such as `parse.mode.unknown` for a corpus file
    /// `parse.mode.unknown.*`, or the part of the grammar, `grammar.push` for
    /// `grammar.push.*`.
    pub rule: String,
    /// Where the case comes from: `corpus`, `upstream`, `variant`, `counterexample`, ...
    pub source: String,
    /// The libvirt version whose behaviour is expected.
    pub profile: Profile,
    /// How the document is processed.
    pub mode: Mode,
    /// The document's bytes, exactly as handed to the implementation.
    pub document: Vec<u8>,
}

impl Case {
    /// What libvirt does with this case: the reference's outcome.
    pub fn expectation(&self) -> Result<String, Rejection> {
        crate::process(&self.document, self.mode.options(self.profile))
    }

    /// The same case with another document (for shrinking and replay).
    pub fn with_document(&self, document: Vec<u8>) -> Case {
        Case {
            document,
            ..self.clone()
        }
    }
}

/// A document before it is expanded over modes and profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDocument {
    /// `SOURCE/NAME`, without whitespace.
    pub id: String,
    /// The rule it exercises.
    pub rule: String,
    /// The document.
    pub document: Vec<u8>,
}

/// What a campaign asks of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRequest {
    /// The run's seed.
    pub seed: u64,
    /// How many cases are wanted (sources of fixed documents may ignore it).
    pub count: usize,
    /// The modes to use.
    pub modes: Vec<Mode>,
    /// The profiles to use.
    pub profiles: Vec<Profile>,
}

/// Why a source could not produce cases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {reason}")]
pub struct SourceError {
    /// The source.
    pub source_name: String,
    /// What went wrong (with the path, for a folder that cannot be read).
    pub reason: String,
}

/// Anything that provides cases to a campaign: [`FixedSource`], [`VariantSource`], the
/// grammar generator ([`super::generated::GeneratorSource`]), or a caller's own.
///
/// A source must be deterministic: the same request gives the same cases, in the same
/// order, with the same ids (sharding and report merging rely on it).
pub trait CaseSource {
    /// The source's name, used as the first part of its case ids.
    fn name(&self) -> &str;
    /// The cases for `request`.
    fn cases(&self, request: &CaseRequest) -> Result<Vec<Case>, SourceError>;
}

/// Documents that are run as they are, in every requested mode and profile.
#[derive(Debug, Clone)]
pub struct FixedSource {
    name: String,
    documents: Vec<SourceDocument>,
}

impl FixedSource {
    /// A source of the given documents.
    pub fn new(name: impl Into<String>, documents: Vec<SourceDocument>) -> FixedSource {
        FixedSource {
            name: name.into(),
            documents,
        }
    }

    /// The project's corpus (`corpus/`): every document, named after its file, with the
    /// rule read from the name (`parse.server.port-not-a-number.negative` →
    /// `parse.server.port-not-a-number`, `grammar.push.x` → `grammar.push`).
    ///
    /// A corpus case's own `NAME.domain.xml` is not used: an implementation aligns with
    /// the upstream test's fake domain, so the expectation does too.
    pub fn corpus(dir: &Path) -> Result<FixedSource, SourceError> {
        FixedSource::corpus_of(false, &[dir.to_path_buf()])
    }

    /// The corpus built into the library (when `builtin`) with the documents of `dirs`
    /// beside it, each folder read like `corpus/`; a document named like an earlier one
    /// replaces it. A folder without documents is an error, as is an empty corpus.
    pub fn corpus_of(builtin: bool, dirs: &[PathBuf]) -> Result<FixedSource, SourceError> {
        let error = |reason: String| SourceError {
            source_name: "corpus".into(),
            reason,
        };
        let mut cases = if builtin {
            crate::corpus::embedded().map_err(|e| error(format!("the built-in corpus: {e}")))?
        } else {
            Vec::new()
        };
        for dir in dirs {
            let more = crate::corpus::load_dir(dir).map_err(|e| error(e.to_string()))?;
            if more.is_empty() {
                return Err(error(format!("no *.xml document in {}", dir.display())));
            }
            for case in more {
                match cases.iter_mut().find(|c| c.name == case.name) {
                    Some(same) => *same = case,
                    None => cases.push(case),
                }
            }
        }
        if cases.is_empty() {
            return Err(error("no corpus document to run".into()));
        }
        let documents = cases
            .into_iter()
            .map(|c| SourceDocument {
                id: format!("corpus/{}", c.name),
                rule: corpus_rule(&c.name),
                document: c.document,
            })
            .collect();
        Ok(FixedSource::new("corpus", documents))
    }

    /// libvirt's upstream xml2xml inputs (`domainbackupxml2xmlin/*.xml`), read in place.
    pub fn upstream(dir: &Path) -> Result<FixedSource, SourceError> {
        let error = |reason: String| SourceError {
            source_name: "upstream".into(),
            reason,
        };
        let entries = std::fs::read_dir(dir)
            .map_err(|e| error(format!("cannot read {}: {e}", dir.display())))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(error(format!("no *.xml vector in {}", dir.display())));
        }
        let mut documents = Vec::new();
        for path in paths {
            let document = std::fs::read(&path)
                .map_err(|e| error(format!("cannot read {}: {e}", path.display())))?;
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            documents.push(SourceDocument {
                id: format!("upstream/{stem}"),
                rule: "upstream".into(),
                document,
            });
        }
        Ok(FixedSource::new("upstream", documents))
    }

    /// The documents.
    pub fn documents(&self) -> &[SourceDocument] {
        &self.documents
    }
}

impl CaseSource for FixedSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn cases(&self, request: &CaseRequest) -> Result<Vec<Case>, SourceError> {
        Ok(expand(&self.documents, &request.profiles, &request.modes))
    }
}

/// Every document in every profile and mode, documents outermost.
pub fn expand(documents: &[SourceDocument], profiles: &[Profile], modes: &[Mode]) -> Vec<Case> {
    let mut cases = Vec::with_capacity(documents.len() * profiles.len() * modes.len());
    for doc in documents {
        for &profile in profiles {
            for &mode in modes {
                cases.push(Case {
                    id: format!("{}@{}/{}", doc.id, profile.name(), mode.name()),
                    rule: doc.rule.clone(),
                    source: doc.id.split('/').next().unwrap_or("").to_string(),
                    profile,
                    mode,
                    document: doc.document.clone(),
                });
            }
        }
    }
    cases
}

/// The rule a corpus file exercises, from its name (folders are part of the name, joined
/// with `.`, and a leading `rules` folder is dropped): the catalogue id the name starts
/// with (`parse.server.port-not-a-number.negative` → `parse.server.port-not-a-number`);
/// otherwise the name without its last part (`grammar.push.x` → `grammar.push`).
pub fn corpus_rule(name: &str) -> String {
    let name = name.strip_prefix("rules.").unwrap_or(name);
    if let Some(rule) = crate::rules::prefix_of(name) {
        return rule.id.to_string();
    }
    match name.rsplit_once('.') {
        Some((label, _)) => label.to_string(),
        None => name.to_string(),
    }
}

/// Seeded respellings of fixed cases that keep their structure: attribute order, quote
/// style, whitespace between elements, comments, `<x/>` against `<x></x>`, an XML
/// declaration. What a campaign is extended with under `--extend variants` (and what
/// [`campaign`] extends with when it is given no other source); by default the grammar
/// generator ([`super::generated::GeneratorSource`]) extends it instead.
///
/// Variant `i` of a run depends only on the seed, `i` and the base cases, so any prefix of
/// the variants is the same in every run with that seed.
#[derive(Debug, Clone)]
pub struct VariantSource {
    base: Vec<Case>,
}

impl VariantSource {
    /// Variants of `base` (cases whose document is not readable XML are never varied).
    pub fn new(base: Vec<Case>) -> VariantSource {
        let base = base
            .into_iter()
            .filter(|c| XDocument::parse(&c.document).is_some())
            .collect();
        VariantSource { base }
    }
}

impl CaseSource for VariantSource {
    fn name(&self) -> &str {
        "variant"
    }

    fn cases(&self, request: &CaseRequest) -> Result<Vec<Case>, SourceError> {
        let base: Vec<&Case> = self
            .base
            .iter()
            .filter(|c| request.modes.contains(&c.mode) && request.profiles.contains(&c.profile))
            .collect();
        if base.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(request.count);
        for i in 0..request.count {
            let mut rng = Rng::new(request.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let case = base[rng.below(base.len())];
            // The filter in `new` guarantees the base parses; a failure here only skips it.
            let Some(doc) = XDocument::parse(&case.document) else {
                continue;
            };
            out.push(Case {
                id: format!("{}#v{i}", case.id),
                rule: case.rule.clone(),
                source: "variant".into(),
                profile: case.profile,
                mode: case.mode,
                document: doc.respell(&mut rng),
            });
        }
        Ok(out)
    }
}

/// A shard of a campaign: `index` of `count`, 1-based (`--shard 2/4`). A case belongs to
/// shard `fnv1a(id) % count + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Whether the case with `id` belongs to this shard.
    pub fn contains(&self, id: &str) -> bool {
        self.count > 0 && fnv1a(id.as_bytes()) % u64::from(self.count) + 1 == u64::from(self.index)
    }
}

/// Kubernetes sets this in every pod of an Indexed Job: the pod's index, from 0.
pub const SHARD_INDEX_VAR: &str = "JOB_COMPLETION_INDEX";
/// The number of shards for `--shard auto`, which the Job sets to its `completions`
/// (Kubernetes gives a pod its index, not the count).
pub const SHARD_COUNT_VAR: &str = "JOB_COMPLETIONS";

impl Shard {
    /// Reads `K/N`, or takes the shard from a scheduler's environment: `auto/N` (the index
    /// from `JOB_COMPLETION_INDEX`, 0-based, as a Kubernetes Indexed Job sets it) or `auto`
    /// (the count from `JOB_COMPLETIONS` too). `var` looks a variable up.
    pub fn from_spec(s: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let bad = || format!("shard '{s}' is not K/N with 1 <= K <= N (e.g. 1/4), auto/N or auto");
        let (k, n) = match s.split_once('/') {
            Some((k, n)) => (k.trim(), Some(n.trim())),
            None if s.trim() == "auto" => ("auto", None),
            None => return Err(bad()),
        };
        let count: u32 = match n {
            Some(n) => n.parse().map_err(|_| bad())?,
            None => {
                let text = var(SHARD_COUNT_VAR).ok_or_else(|| {
                    format!(
                        "--shard auto: {SHARD_COUNT_VAR} is not set; set it to the Job's \
                         completions, or give the count: --shard auto/N"
                    )
                })?;
                text.trim().parse().map_err(|_| {
                    format!("--shard auto: {SHARD_COUNT_VAR}='{text}' is not a number of shards")
                })?
            }
        };
        if count == 0 {
            return Err(bad());
        }
        let index = if k == "auto" {
            let text = var(SHARD_INDEX_VAR).ok_or_else(|| {
                format!(
                    "--shard {s}: {SHARD_INDEX_VAR} is not set (Kubernetes sets it in the pods \
                     of an Indexed Job); elsewhere give --shard K/N"
                )
            })?;
            let from_zero: u32 = text
                .trim()
                .parse()
                .map_err(|_| format!("--shard {s}: {SHARD_INDEX_VAR}='{text}' is not an index"))?;
            if from_zero >= count {
                return Err(format!(
                    "--shard {s}: {SHARD_INDEX_VAR}={from_zero} is not below the {count} shards \
                     (the index counts from 0)"
                ));
            }
            from_zero + 1
        } else {
            let index: u32 = k.parse().map_err(|_| bad())?;
            if index == 0 || index > count {
                return Err(bad());
            }
            index
        };
        Ok(Shard { index, count })
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// [`Shard::from_spec`] with this process's environment.
    fn from_str(s: &str) -> Result<Shard, String> {
        Shard::from_spec(s, &|name| std::env::var(name).ok())
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// FNV-1a, 64 bits: a hash that never changes between runs, platforms or Rust versions.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub use crate::generator::Rng;

/// The settings [`campaign`] uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignPlan {
    /// Seed of the sample and the variants.
    pub seed: u64,
    /// `None`: the fixed set; fewer: a seeded sample; more: plus seeded variants.
    pub cases: Option<usize>,
    /// Modes to run.
    pub modes: Vec<Mode>,
    /// Profiles to run.
    pub profiles: Vec<Profile>,
    /// Keep only cases whose id contains one of these (all when empty).
    pub filter: Vec<String>,
    /// Keep only this shard's cases (applied last, so shards partition the same campaign).
    pub shard: Option<Shard>,
}

impl CampaignPlan {
    /// Whether the `--filter` texts keep a case with `id` (all when there are none).
    pub fn keeps(&self, id: &str) -> bool {
        self.filter.is_empty() || self.filter.iter().any(|f| id.contains(f))
    }

    /// Whether a case with `id` is in this run's shard (all when unsharded).
    pub fn in_shard(&self, id: &str) -> bool {
        self.shard.is_none_or(|shard| shard.contains(id))
    }
}

/// How far past the number of cases it wants a filtered campaign asks a source: a filter
/// selects among up to this many times as many cases, then takes what it found.
pub const FILTER_REACH: usize = 64;

/// The first `wanted` cases of `source` that `plan`'s filter keeps: the filter selects
/// before the count, so `--cases 3000 --filter generated/valid` runs 3,000 valid cases. The
/// source is asked for `wanted`, twice as many, and so on up to [`FILTER_REACH`] times as
/// many (its case `i` depends only on the seed and `i`, so each answer extends the last).
pub fn kept_cases(
    source: &dyn CaseSource,
    request: &CaseRequest,
    plan: &CampaignPlan,
    wanted: usize,
) -> Result<Vec<Case>, SourceError> {
    let mut count = wanted;
    loop {
        let asked = CaseRequest {
            count,
            ..request.clone()
        };
        let cases = source.cases(&asked)?;
        let made = cases.len();
        let kept: Vec<Case> = cases
            .into_iter()
            .filter(|c| plan.keeps(&c.id))
            .take(wanted)
            .collect();
        let reach = wanted.saturating_mul(FILTER_REACH);
        if kept.len() == wanted || made < count || count >= reach {
            return Ok(kept);
        }
        count = count.saturating_mul(2).min(reach);
    }
}

/// The cases of a run: the fixed sources' cases, filtered, then sampled down or extended
/// with `extra` sources (variants of the fixed cases when `extra` is empty) up to
/// `plan.cases`, then cut to the shard. Deterministic in `plan`.
pub fn campaign(
    fixed: &[&dyn CaseSource],
    extra: &[&dyn CaseSource],
    plan: &CampaignPlan,
) -> Result<Vec<Case>, SourceError> {
    let request = CaseRequest {
        seed: plan.seed,
        count: 0,
        modes: plan.modes.clone(),
        profiles: plan.profiles.clone(),
    };
    let keep = |c: &Case| plan.keeps(&c.id);
    let mut cases: Vec<Case> = Vec::new();
    for source in fixed {
        cases.extend(source.cases(&request)?.into_iter().filter(keep));
    }
    match plan.cases {
        None => {}
        Some(n) if n <= cases.len() => {
            // A seeded sample of n, kept in campaign order.
            let mut rng = Rng::new(plan.seed);
            let mut indices: Vec<usize> = (0..cases.len()).collect();
            for i in 0..n {
                let j = i + rng.below(indices.len() - i);
                indices.swap(i, j);
            }
            let mut chosen: Vec<usize> = indices[..n].to_vec();
            chosen.sort_unstable();
            let mut all: Vec<Option<Case>> = cases.into_iter().map(Some).collect();
            cases = chosen.into_iter().filter_map(|i| all[i].take()).collect();
        }
        Some(n) => {
            let wanted = n - cases.len();
            let extra_request = CaseRequest {
                count: wanted,
                ..request.clone()
            };
            let mut added: Vec<Case> = Vec::new();
            if extra.is_empty() {
                let variants = VariantSource::new(cases.clone());
                added.extend(variants.cases(&extra_request)?);
            } else {
                for source in extra {
                    let remaining = wanted.saturating_sub(added.len());
                    if remaining == 0 {
                        break;
                    }
                    added.extend(kept_cases(*source, &request, plan, remaining)?);
                }
            }
            cases.extend(added);
        }
    }
    cases.retain(|c| plan.in_shard(&c.id));
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_from_the_flag_or_a_kubernetes_job() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let none = env(&[]);
        assert_eq!(
            Shard::from_spec("2/4", &none),
            Ok(Shard { index: 2, count: 4 })
        );
        for bad in ["0/4", "5/4", "1/0", "4", "a/b", "auto/0", "", "1/4/2"] {
            let err = Shard::from_spec(bad, &none).unwrap_err();
            assert!(err.contains("is not K/N"), "{bad}: {err}");
        }
        // An Indexed Job's pod 0 of 3 is shard 1/3.
        let pod = env(&[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "3")]);
        assert_eq!(
            Shard::from_spec("auto", &pod),
            Ok(Shard { index: 1, count: 3 })
        );
        let last = env(&[("JOB_COMPLETION_INDEX", "2")]);
        assert_eq!(
            Shard::from_spec("auto/3", &last),
            Ok(Shard { index: 3, count: 3 })
        );
        let err = Shard::from_spec("auto/2", &last).unwrap_err();
        assert!(
            err.contains("JOB_COMPLETION_INDEX=2 is not below the 2 shards"),
            "{err}"
        );
        let err = Shard::from_spec("auto", &last).unwrap_err();
        assert!(err.contains("JOB_COMPLETIONS is not set"), "{err}");
        let err = Shard::from_spec("auto/3", &none).unwrap_err();
        assert!(err.contains("JOB_COMPLETION_INDEX is not set"), "{err}");
        let garbage = env(&[("JOB_COMPLETION_INDEX", "x1"), ("JOB_COMPLETIONS", "3")]);
        let err = Shard::from_spec("auto", &garbage).unwrap_err();
        assert!(
            err.contains("JOB_COMPLETION_INDEX='x1' is not an index"),
            "{err}"
        );
        let garbage = env(&[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "many")]);
        let err = Shard::from_spec("auto", &garbage).unwrap_err();
        assert!(
            err.contains("JOB_COMPLETIONS='many' is not a number"),
            "{err}"
        );
    }

    #[test]
    fn rules_come_from_corpus_names() {
        assert_eq!(
            corpus_rule("parse.server.port-not-a-number.negative"),
            "parse.server.port-not-a-number"
        );
        assert_eq!(corpus_rule("grammar.push.file-target"), "grammar.push");
        assert_eq!(corpus_rule("align.unlisted-disks-appended"), "align");
        assert_eq!(
            corpus_rule("rules.parse.disk.type-unknown.vhostvdpa-9"),
            "parse.disk.type-unknown"
        );
        assert_eq!(
            corpus_rule("rules.align.no-disk-named"),
            "align.no-disk-named"
        );
        assert_eq!(corpus_rule("rules.grammar.push.plain"), "grammar.push");
        assert_eq!(corpus_rule("single"), "single");
    }

    #[test]
    fn shards_partition_ids() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..200 {
            let id = format!("case-{i}");
            assert_eq!(shards.iter().filter(|s| s.contains(&id)).count(), 1);
        }
        assert!("0/2".parse::<Shard>().is_err());
        assert!("3/2".parse::<Shard>().is_err());
        assert_eq!("2/2".parse::<Shard>(), Ok(Shard { index: 2, count: 2 }));
    }
}
