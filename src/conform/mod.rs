//! The conformance runner behind `domainbackup-harness check`: it puts a campaign of cases
//! through another implementation of the backup-XML pipeline, compares what it did with the
//! reference model's verdict (which is libvirt's), shrinks each disagreement to a minimal
//! document that still disagrees the same way, and writes reports people can read.
//!
//! ```text
//! cases (corpus, upstream, variants, generator) ─► Implementation ─► Observed ─► compare ─► Outcome ─► shrink ─► report
//! ```
//!
//! * [`case`]: what a case is, the [`case::CaseSource`] trait that case sources (the corpus,
//!   libvirt's upstream vectors, seeded variants, the grammar generator) implement, and the
//!   deterministic campaign built from them.
//! * [`generated`]: the grammar generator as a case source, what a campaign is extended
//!   with by default; [`ordered`]: the order of a campaign with a budget (coverage and
//!   corpus first, then the boundary pass).
//! * [`implementation`]: one [`implementation::Implementation`] trait with four kinds behind
//!   it: a process per case ([`process`]), a persistent process speaking line-delimited JSON
//!   ([`ndjson`]), and in process the reference itself or real libvirt.
//! * [`compare`]: verdict, stage and code, semantic model (differences named by path) and
//!   exact comparison, and the [`compare::Outcome`] classes.
//! * [`shrink`]: delta debugging on the element tree, re-running the implementation.
//! * [`known`]: known-failure lists.
//! * [`registry`]: the implementations `--impl` names: the built-in ones and the shipped
//!   adapters' manifests (`implementations/`), whether each is ready, and their builds.
//! * [`environment`]: [`EnvironmentError`], what stops a run before it judges anything;
//!   every module here may return it, and it depends on none of them.
//! * [`run`]: the campaign runner (parallel jobs, shards, cancellation, replay), on top of
//!   the others: no other module here imports from it.
//! * [`serve`]: the reference behind the persistent protocol (`domainbackup-harness serve`).
//! * [`report`]: JSON lines, JUnit XML, static HTML, the terminal summary, and merging.
//!
//! Library code here never prints and never panics on input: everything a user sees is
//! returned as a value or written to a report folder the caller named.

pub mod case;
pub mod compare;
pub mod environment;
pub mod generated;
pub mod implementation;
pub mod known;
pub mod ndjson;
pub mod ordered;
pub mod process;
pub mod registry;
pub mod report;
pub mod run;
pub mod serve;
pub(crate) mod session;
pub mod shrink;
mod xmltree;

use std::path::PathBuf;
use std::time::Duration;

use crate::{Mode, Profile};

pub use case::{Case, CaseSource, Shard};
pub use compare::{Comparison, Difference, Outcome};
pub use environment::EnvironmentError;
pub use implementation::{Capabilities, Implementation, ImplementationSpec, Launcher, Observed};
pub use known::KnownFailures;
pub use report::{CaseResult, RunReport};
pub use run::Progress;

/// The modes a campaign uses by default: the three an implementation is told about through
/// `DOMAINBACKUP_MODE` (`internal-align` is the reference's own and is not asked of others).
pub const CAMPAIGN_MODES: [Mode; 3] = [Mode::Parse, Mode::Align, Mode::Internal];

/// The largest output (stdout, stderr, or one NDJSON line) accepted from an implementation:
/// anything larger is a protocol error of that case, never a failure of the harness.
pub const DEFAULT_OUTPUT_CAP: usize = 16 * 1024 * 1024;

/// Everything a `check` campaign is configured with. [`CheckConfig::default`] gives the
/// documented defaults, which are the command line's.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Seed of every random choice (case sampling, variants). Default 0.
    pub seed: u64,
    /// How many cases to run: `None` (the default) runs the fixed set (corpus and upstream
    /// vectors in every mode and profile). With the generator extending it (the default),
    /// any number takes the campaign's first cases in [`ordered`]'s order (first pass,
    /// boundary pass, the rest of the fixed set, then random generated cases); with
    /// variants, fewer takes a seeded sample of the fixed set and more adds variants.
    pub cases: Option<usize>,
    /// Where cases beyond the fixed set come from. Default: the grammar generator.
    pub extend: Extension,
    /// Parallel jobs, each with its own implementation instance. Default: the number of
    /// cores.
    pub jobs: usize,
    /// Only the cases of this shard. Default: all.
    pub shard: Option<Shard>,
    /// How long one case may take (process start, answer, exit). Default 5 s.
    pub timeout: Duration,
    /// The comparison level. Default: verdict, then the semantic model of accepted output.
    pub compare: Comparison,
    /// What the implementation checks, over what its handshake says (`--validates`); a
    /// per-case implementation has no handshake to say it. Default: what it declares.
    pub validates: Option<compare::Validation>,
    /// The modes to run (intersected with the implementation's). Default: parse, align,
    /// internal.
    pub modes: Vec<Mode>,
    /// The profiles to run (intersected with the implementation's). Default: all.
    pub profiles: Vec<Profile>,
    /// Only cases whose id contains one of these strings. Default: none (all cases).
    pub filter: Vec<String>,
    /// Whether the corpus built into the library runs. Default: yes.
    pub builtin_corpus: bool,
    /// Folders of documents that run beside the built-in corpus (read as `corpus/` is: every
    /// `*.xml`, named by its path); one named like a built-in document replaces it.
    /// Default: none.
    pub corpus_dirs: Vec<PathBuf>,
    /// libvirt's upstream xml2xml inputs. Default: where [`crate::corpus::find_upstream`]
    /// finds them, or [`Upstream::NotFound`].
    pub upstream: Upstream,
    /// Folders of counterexample files (an earlier run's `counterexamples/`) whose cases run
    /// first in every campaign, beyond `cases`. Default: none.
    pub replay_dirs: Vec<PathBuf>,
    /// Where minimal counterexamples are written. Default: `target/domainbackup-check`
    /// (the report folder when one is given).
    pub counterexample_dir: PathBuf,
    /// Bounds of the shrinker.
    pub shrink: ShrinkLimits,
    /// Failures that do not fail the run.
    pub known_failures: KnownFailures,
    /// A known failure that now agrees fails the run. Default false.
    pub strict: bool,
    /// The largest output accepted from an implementation. Default 16 MiB.
    pub output_cap: usize,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            seed: 0,
            cases: None,
            extend: Extension::Generator,
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            shard: None,
            timeout: Duration::from_secs(5),
            compare: Comparison::default(),
            validates: None,
            modes: CAMPAIGN_MODES.to_vec(),
            profiles: Profile::ALL.to_vec(),
            filter: Vec::new(),
            builtin_corpus: true,
            corpus_dirs: Vec::new(),
            upstream: Upstream::default_location(),
            replay_dirs: Vec::new(),
            counterexample_dir: PathBuf::from("target/domainbackup-check"),
            shrink: ShrinkLimits::default(),
            known_failures: KnownFailures::default(),
            strict: false,
            output_cap: DEFAULT_OUTPUT_CAP,
        }
    }
}

/// Where the cases beyond the fixed set come from (`--extend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Extension {
    /// The grammar generator: valid documents and documents breaking one named rule
    /// ([`generated::GeneratorSource`]).
    #[default]
    Generator,
    /// Seeded respellings of the fixed cases ([`case::VariantSource`]).
    Variants,
}

impl std::str::FromStr for Extension {
    type Err = String;

    fn from_str(s: &str) -> Result<Extension, String> {
        match s {
            "generator" => Ok(Extension::Generator),
            "variants" => Ok(Extension::Variants),
            other => Err(format!("unknown extension '{other}' (generator, variants)")),
        }
    }
}

/// Bounds of shrinking: per disagreement and per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShrinkLimits {
    /// Implementation runs per disagreement. Default 400.
    pub steps: usize,
    /// Time per disagreement. Default 20 s.
    pub time: Duration,
    /// Disagreements shrunk per run: the first of each (outcome, rule, differing path) in
    /// campaign order, up to this many. Default 20; 0 turns shrinking off.
    pub max_cases: usize,
}

impl Default for ShrinkLimits {
    fn default() -> Self {
        ShrinkLimits {
            steps: 400,
            time: Duration::from_secs(20),
            max_cases: 20,
        }
    }
}

/// libvirt's upstream xml2xml inputs for a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upstream {
    /// Read from this `domainbackupxml2xmlin/` folder.
    Dir(PathBuf),
    /// Left out on purpose (`--no-upstream`).
    Off,
    /// Not found where they are looked for: the campaign runs without them and says so.
    NotFound,
}

impl Upstream {
    /// Where [`crate::corpus::find_upstream`] finds them with no folder given (a
    /// `DOMAINBACKUP_LIBVIRT_SRC` that names no inputs counts as not found here; the
    /// command line reports it as an error).
    pub fn default_location() -> Upstream {
        match crate::corpus::find_upstream(None) {
            Ok(Some(dir)) => Upstream::Dir(dir),
            _ => Upstream::NotFound,
        }
    }

    /// The folder, when there is one.
    pub fn dir(&self) -> Option<&std::path::Path> {
        match self {
            Upstream::Dir(dir) => Some(dir),
            _ => None,
        }
    }
}
