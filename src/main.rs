//! The `domainbackup-harness` command line. It holds no logic of its own: every command
//! calls the library and prints what it returns.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use domainbackup_harness::{Options, Profile, conform};

#[derive(Parser)]
#[command(
    name = "domainbackup-harness",
    version,
    about = "Reference model and conformance harness for libvirt's <domainbackup> XML"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, check, optionally align, and format a document exactly as libvirt does.
    ///
    /// Accepted: the canonical XML on stdout, exit 0. Rejected: one line on stderr,
    /// `error: stage=.. code=.. domain=.. rule=.. message=..`, exit 1. Usage or I/O
    /// problem: exit 2.
    Parse {
        /// libvirt version to follow: 9.0 or 11.3.
        #[arg(long, default_value = "11.3")]
        profile: Profile,
        /// Internal parse and format (VIR_DOMAIN_BACKUP_PARSE_INTERNAL): no schema check,
        /// status-only fields read and printed.
        #[arg(long)]
        internal: bool,
        /// Align with the fake domain of libvirt's xml2xml test (suffix SUFFIX).
        #[arg(long)]
        align: bool,
        /// The document; `-` or nothing for standard input.
        file: Option<PathBuf>,
    },
    /// The reference behind the persistent protocol (`check --protocol ndjson`): one JSON
    /// request per line on stdin, one answer per line on stdout, until `{"cmd":"stop"}`.
    ///
    /// For adapters that hand the reference the cases (or the parts of a case) they do
    /// not implement themselves, without a process per case.
    Serve,
    /// Check another implementation against libvirt's behaviour (the reference model).
    ///
    /// Runs a campaign of cases (corpus, upstream vectors, generated cases) through
    /// COMMAND (started per case, or persistent with `--protocol ndjson`) or a built-in
    /// implementation, shrinks each disagreement to a minimal counterexample and reports.
    /// Exit 0: all agree (or only known failures); 1: disagreements; 2: usage or
    /// environment problem; 130: interrupted.
    Check(Box<CheckArgs>),
    /// Check a tool that writes backup XML (an emitter) against libvirt's behaviour.
    ///
    /// Puts intents (valid ones, ones libvirt refuses, values that need escaping) to
    /// COMMAND over the emitter protocol, judges each document it writes by what libvirt
    /// makes of it beside the reference's own document for the intent, and shrinks each
    /// disagreement to a minimal intent. Exit 0: all agree (unsupported fields are
    /// reported, not failures); 1: disagreements; 2: usage or environment problem.
    CheckEmitter(EmitterArgs),
    /// Write generated cases (valid, invalid or mixed) and a manifest of JSON lines
    /// (id, file, profile, mode, rule, expected verdict and output) into a folder.
    ///
    /// The same seed gives the same bytes. The first cases of each stream cover every
    /// production of the grammar (valid) and every rule id (invalid).
    Generate(GenerateArgs),
    /// List libvirt's rules as the harness names them (every rejection names one), or
    /// describe one: what it asks, its stage, code and domain, and each version's wording.
    Rules {
        /// A rule id (`parse.server.socket-not-absolute`) or a specification code (`B11`).
        rule: Option<String>,
    },
    /// List the implementations `check --impl NAME` and `matrix` run: the built-in
    /// reference and libvirt, and the shipped adapters (`implementations/`), each with
    /// whether it is ready (built, or what is missing).
    Implementations {
        /// The adapters' folder (default: $DOMAINBACKUP_IMPLEMENTATIONS or this crate's
        /// implementations/).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// libvirt library to load for the `libvirt` row.
        #[arg(long)]
        libvirt_so: Option<PathBuf>,
    },
    /// Run several implementations and put them side by side: a column per implementation
    /// and libvirt version, a compliance figure and a shields.io badge each, the divergence
    /// classes (each linking to its minimal counterexample) and every rule.
    ///
    /// Writes DIR/index.html, DIR/matrix.json, DIR/badges/NAME.json and each run's report
    /// folder under DIR/runs/NAME/. Exit 0 when every run completed (disagreements are
    /// what the matrix shows), 2 when an implementation could not be run.
    Matrix(MatrixArgs),
    /// Merge report folders written by `check --report` into one page (one column per
    /// implementation; shards of one implementation become one run).
    Report {
        /// Report folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged report.
        #[arg(long)]
        out: PathBuf,
        /// Exit as `check` would have for the merged runs: 1 when one has a disagreement
        /// that is not a known failure, 130 when a shard was interrupted (else 0), so a
        /// merge job can fail a pipeline. Without it the exit status says only whether the
        /// merge was written.
        #[arg(long)]
        exit_status: bool,
    },
}

#[derive(clap::Args)]
struct EmitterArgs {
    /// Seed of every choice.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Number of intents.
    #[arg(long, default_value_t = 600)]
    cases: usize,
    /// Profiles to run (comma-separated; default: every one the emitter declares).
    #[arg(long, value_delimiter = ',')]
    profiles: Vec<Profile>,
    /// Seconds one intent may take.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// The most candidates tried while shrinking one class's counterexample.
    #[arg(long, default_value_t = 400)]
    shrink_budget: usize,
    /// Emitter processes answering at once (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// An emitter by name (see `domainbackup-harness implementations`): `reference` (this
    /// program's own) or a shipped emitter adapter, built first if it is not.
    #[arg(long = "impl", value_name = "NAME")]
    implementation: Option<String>,
    /// The adapters' folder for --impl (default: $DOMAINBACKUP_IMPLEMENTATIONS or this
    /// crate's implementations/).
    #[arg(long)]
    implementations: Option<PathBuf>,
    /// Write a report folder: results.jsonl, counterexamples.jsonl, summary.txt, index.html.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// The emitter's command and arguments (after `--`), speaking the emitter protocol.
    #[arg(
        last = true,
        value_name = "COMMAND",
        required_unless_present = "implementation"
    )]
    command: Vec<std::ffi::OsString>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Protocol of COMMAND: per-case (a process per case) or ndjson (one persistent process).
    #[arg(long, default_value = "per-case", value_parser = ["per-case", "ndjson"])]
    protocol: String,
    /// A built-in implementation instead of COMMAND: reference (the default when no
    /// COMMAND is given) or libvirt.
    #[arg(long, value_parser = ["reference", "libvirt"], conflicts_with = "protocol")]
    builtin: Option<String>,
    /// An implementation by name (see `domainbackup-harness implementations`): a built-in
    /// one or a shipped adapter, built first if it is not.
    #[arg(long = "impl", value_name = "NAME", conflicts_with_all = ["builtin", "protocol"])]
    implementation: Option<String>,
    /// The adapters' folder for --impl (default: $DOMAINBACKUP_IMPLEMENTATIONS or this
    /// crate's implementations/).
    #[arg(long)]
    implementations: Option<PathBuf>,
    /// libvirt library for `--builtin libvirt` (default: $DOMAINBACKUP_LIBVIRT_SO or libvirt.so.0).
    #[arg(long)]
    libvirt_so: Option<PathBuf>,
    /// Name shown in reports instead of the implementation's own.
    #[arg(long)]
    name: Option<String>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Number of cases (default: the fixed set). With `--extend generator`, the N most
    /// discriminating first: coverage pass and corpus, boundary pass, the rest of the fixed
    /// set, random generated cases. With `--extend variants`: fewer is a seeded sample.
    #[arg(long)]
    cases: Option<usize>,
    /// What extends the fixed set up to --cases: generator (grammar-driven documents) or
    /// variants (respellings of fixed cases).
    #[arg(long, default_value = "generator")]
    extend: conform::Extension,
    /// Parallel jobs (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run only shard K of N (a case belongs to shard hash(id) % N + 1); `auto/N` or
    /// `auto` take K (and N) from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (and
    /// JOB_COMPLETIONS).
    #[arg(long, value_name = "K/N")]
    shard: Option<conform::Shard>,
    /// Seconds one case may take.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Comparison: verdict, semantic (default), exact; add `codes` to compare error codes.
    #[arg(long, default_value = "semantic")]
    compare: conform::Comparison,
    /// What the implementation checks: none (a binding: what libvirt refuses beyond
    /// malformed XML is counted as accepted invalid, not a failure), schema, or full.
    /// Default: what its handshake declares (full for a per-case implementation).
    #[arg(long)]
    validates: Option<conform::compare::Validation>,
    /// Modes to run (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "parse,align,internal")]
    modes: Vec<String>,
    /// Profiles to run (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "9.0,11.3")]
    profiles: Vec<Profile>,
    /// Only cases whose id contains this text (repeatable); selected before `--cases` counts.
    #[arg(long)]
    filter: Vec<String>,
    /// A folder of documents to run beside the built-in corpus (repeatable; read as corpus/
    /// is, every *.xml; one named like a built-in document replaces it).
    #[arg(long, value_name = "DIR")]
    corpus: Vec<PathBuf>,
    /// Leave the built-in corpus out (with --corpus: only that folder's documents).
    #[arg(long)]
    no_corpus: bool,
    /// libvirt's upstream xml2xml inputs: their domainbackupxml2xmlin/ folder, libvirt's
    /// tests/ or a libvirt checkout (default: $DOMAINBACKUP_LIBVIRT_SRC, else
    /// ../shared/libvirt beside the source; without them the campaign says so and runs).
    #[arg(long)]
    upstream: Option<PathBuf>,
    /// Leave the upstream vectors out.
    #[arg(long)]
    no_upstream: bool,
    /// Run every counterexample file in DIR (e.g. an earlier run's REPORT/counterexamples)
    /// first, beyond --cases (repeatable).
    #[arg(long, value_name = "DIR")]
    replay_dir: Vec<PathBuf>,
    /// Write results.jsonl, junit.xml, index.html, summary.json and counterexamples here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Known failures (lines: case id or rule id, then a reason) that do not fail the run.
    #[arg(long)]
    known_failures: Option<PathBuf>,
    /// Write the current failures in the known-failures format.
    #[arg(long)]
    write_known_failures: Option<PathBuf>,
    /// A known failure that now agrees fails the run.
    #[arg(long)]
    strict: bool,
    /// Replay one counterexample file instead of running a campaign.
    #[arg(long)]
    replay: Option<PathBuf>,
    /// Finish the campaign that an interrupted or killed `check --report DIR` left in DIR:
    /// with the flags it was started with (DIR/campaign.json) and without running again the
    /// cases its journal holds; the report is then the uninterrupted run's. No other flag.
    #[arg(long, value_name = "DIR", conflicts_with = "replay")]
    resume: Option<PathBuf>,
    /// Implementation runs per shrunk disagreement.
    #[arg(long, default_value_t = 400)]
    shrink_steps: usize,
    /// Seconds per shrunk disagreement.
    #[arg(long, default_value_t = 20.0)]
    shrink_time: f64,
    /// Disagreements shrunk per run (0: none).
    #[arg(long, default_value_t = 20)]
    shrink_max: usize,
    /// Counterexamples printed in full at the end.
    #[arg(long, default_value_t = 3)]
    show: usize,
    /// The implementation's command and arguments (after `--`).
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<std::ffi::OsString>,
}

#[derive(clap::Args)]
struct MatrixArgs {
    /// Where to write the matrix.
    #[arg(long)]
    out: PathBuf,
    /// An implementation to run (repeatable; see `implementations`). Default: every one
    /// that is ready or can be built.
    #[arg(long = "impl", value_name = "NAME")]
    implementations: Vec<String>,
    /// A report folder written by `check --report` to add as it is (repeatable): a run made
    /// elsewhere, e.g. against another libvirt.
    #[arg(long, value_name = "DIR")]
    from: Vec<PathBuf>,
    /// The adapters' folder (default: $DOMAINBACKUP_IMPLEMENTATIONS or this crate's
    /// implementations/).
    #[arg(long = "implementations", value_name = "DIR")]
    adapters: Option<PathBuf>,
    /// libvirt library for the `libvirt` column.
    #[arg(long)]
    libvirt_so: Option<PathBuf>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Cases per implementation (default: the fixed set).
    #[arg(long)]
    cases: Option<usize>,
    /// Only cases whose id contains this text (repeatable); selected before `--cases` counts.
    #[arg(long)]
    filter: Vec<String>,
    /// Parallel jobs (default: the number of cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Intents per emitter.
    #[arg(long, default_value_t = 600)]
    emitter_cases: usize,
}

fn seconds(value: f64, flag: &str) -> Result<std::time::Duration, String> {
    std::time::Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("--{flag} must be a positive number of seconds, not {value}"))
}

/// Turns the flags into a request; every rule about them is here, none in `main`.
fn check_request(args: &CheckArgs) -> Result<conform::run::CheckRequest, String> {
    use conform::ImplementationSpec;
    if let Some(name) = &args.implementation {
        if !args.command.is_empty() {
            return Err("give either --impl or `-- COMMAND`, not both".into());
        }
        let dir = args
            .implementations
            .clone()
            .or_else(conform::registry::default_dir);
        let spec =
            conform::registry::resolve(dir.as_deref(), name, args.libvirt_so.clone(), &|adapter| {
                eprintln!("building {name}: {}", adapter.build_command().display())
            })
            .map_err(|e| e.to_string())?;
        let mut request = check_request_for(args, spec)?;
        // An adapter's column is its manifest's name, whatever its process calls itself.
        if request.name.is_none() && !conform::registry::BUILTIN.contains(&name.as_str()) {
            request.name = Some(name.clone());
        }
        return Ok(request);
    }
    let implementation = match (&args.builtin, args.command.is_empty()) {
        (Some(_), false) => return Err("give either --builtin or `-- COMMAND`, not both".into()),
        // Nothing named: the campaign runs against the built-in reference, which shows the
        // harness working on a fresh machine and must agree with itself.
        (None, true) => ImplementationSpec::Reference,
        (Some(b), true) if b == "reference" => ImplementationSpec::Reference,
        (Some(_), true) => ImplementationSpec::Libvirt {
            library: args.libvirt_so.clone(),
        },
        (None, false) if args.protocol == "ndjson" => ImplementationSpec::Ndjson {
            command: args.command.clone(),
        },
        (None, false) => ImplementationSpec::PerCase {
            command: args.command.clone(),
        },
    };
    if args.libvirt_so.is_some() && args.builtin.as_deref() != Some("libvirt") {
        return Err("--libvirt-so only goes with --builtin libvirt or --impl libvirt".into());
    }
    check_request_for(args, implementation)
}

/// The request for `implementation` with the campaign the flags describe.
fn check_request_for(
    args: &CheckArgs,
    implementation: conform::ImplementationSpec,
) -> Result<conform::run::CheckRequest, String> {
    if args.libvirt_so.is_some()
        && !matches!(implementation, conform::ImplementationSpec::Libvirt { .. })
    {
        return Err("--libvirt-so only goes with --builtin libvirt or --impl libvirt".into());
    }
    let mut config = conform::CheckConfig {
        seed: args.seed,
        cases: args.cases,
        extend: args.extend,
        shard: args.shard,
        timeout: seconds(args.timeout, "timeout")?,
        compare: args.compare,
        validates: args.validates,
        profiles: args.profiles.clone(),
        filter: args.filter.clone(),
        strict: args.strict,
        ..conform::CheckConfig::default()
    };
    if let Some(jobs) = args.jobs {
        if jobs == 0 {
            return Err("--jobs must be at least 1".into());
        }
        config.jobs = jobs;
    }
    config.modes = args
        .modes
        .iter()
        .map(|m| {
            domainbackup_harness::Mode::from_name(m)
                .filter(|m| conform::CAMPAIGN_MODES.contains(m))
                .ok_or_else(|| format!("unknown mode '{m}' (parse, align, internal)"))
        })
        .collect::<Result<_, _>>()?;
    config.builtin_corpus = !args.no_corpus;
    config.corpus_dirs = args.corpus.clone();
    config.upstream = if args.no_upstream {
        conform::Upstream::Off
    } else {
        match domainbackup_harness::corpus::find_upstream(args.upstream.as_deref())? {
            Some(dir) => conform::Upstream::Dir(dir),
            None => conform::Upstream::NotFound,
        }
    };
    config.replay_dirs = args.replay_dir.clone();
    config.shrink = conform::ShrinkLimits {
        steps: args.shrink_steps,
        time: seconds(args.shrink_time, "shrink-time")?,
        max_cases: args.shrink_max,
    };
    if let Some(path) = &args.known_failures {
        config.known_failures =
            conform::KnownFailures::load(path).map_err(|e| format!("known failures: {e}"))?;
    }
    Ok(conform::run::CheckRequest {
        implementation,
        name: args.name.clone(),
        config,
        report_dir: args.report.clone(),
        write_known_failures: args.write_known_failures.clone(),
        resume: false,
    })
}

/// The progress bar: drawn on a terminal only.
struct Bar(indicatif::ProgressBar);

impl conform::Progress for Bar {
    fn started(&self, total: usize) {
        self.0.set_length(total as u64);
    }
    fn resumed(&self, count: usize) {
        self.0.inc(count as u64);
        eprintln!("resuming: {count} cases ran before; running the rest");
    }
    fn case_done(&self, result: &conform::CaseResult) {
        self.0.inc(1);
        if result.outcome.is_disagreement() {
            self.0.set_message("disagreements found");
        }
    }
    fn shrinking(&self, count: usize) {
        self.0
            .set_message(format!("shrinking {count} disagreements"));
    }
}

/// What `check --report DIR` keeps in DIR/campaign.json for `--resume`.
#[derive(serde::Serialize, serde::Deserialize)]
struct CampaignRecord {
    /// Always [`CampaignRecord::FORMAT`].
    format: String,
    /// The arguments after `check`.
    arguments: Vec<String>,
    /// The folder they were given in.
    directory: PathBuf,
}

impl CampaignRecord {
    const FORMAT: &'static str = "domainbackup-harness campaign 1";
    const FILE: &'static str = "campaign.json";
}

/// Writes DIR/campaign.json for a campaign started with `--report DIR`: the arguments of
/// this `check`, so that `--resume DIR` runs the same campaign.
fn record_campaign(dir: &std::path::Path) -> Result<(), String> {
    let arguments: Vec<String> = std::env::args_os()
        .skip(2)
        .map(|a| {
            a.into_string().map_err(|a| {
                format!("argument {a:?} is not UTF-8, so the campaign could not be resumed")
            })
        })
        .collect::<Result<_, _>>()?;
    let record = CampaignRecord {
        format: CampaignRecord::FORMAT.into(),
        arguments,
        directory: std::env::current_dir().map_err(|e| format!("the current folder: {e}"))?,
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(CampaignRecord::FILE);
    let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// `check --resume DIR`: the campaign of DIR/campaign.json, from where it stopped.
fn resume_command(dir: &std::path::Path) -> ExitCode {
    let fail = |e: &str| {
        eprintln!(
            "domainbackup-harness check: --resume {}: {e}",
            dir.display()
        );
        ExitCode::from(2)
    };
    // `check --resume DIR` or `check --resume=DIR`: nothing else.
    let rest: Vec<std::ffi::OsString> = std::env::args_os().skip(2).collect();
    let alone = match rest.as_slice() {
        [flag, _] => flag == "--resume",
        [flag] => flag.to_string_lossy().starts_with("--resume="),
        _ => false,
    };
    if !alone {
        return fail(
            "give no other flag: a resumed campaign runs with the flags it was started with",
        );
    }
    let path = dir.join(CampaignRecord::FILE);
    let record: CampaignRecord = match std::fs::read(&path) {
        Ok(text) => match serde_json::from_slice(&text) {
            Ok(r) => r,
            Err(e) => return fail(&format!("{}: not a campaign record: {e}", path.display())),
        },
        Err(e) => {
            return fail(&format!(
                "{}: {e} (only a folder written by `check --report` can be resumed)",
                path.display()
            ));
        }
    };
    if record.format != CampaignRecord::FORMAT {
        return fail(&format!(
            "{}: unknown campaign format '{}'",
            path.display(),
            record.format
        ));
    }
    let dir = match std::fs::canonicalize(dir) {
        Ok(d) => d,
        Err(e) => return fail(&e.to_string()),
    };
    if let Err(e) = std::env::set_current_dir(&record.directory) {
        return fail(&format!(
            "the campaign was started in {}: {e}",
            record.directory.display()
        ));
    }
    let argv = ["domainbackup-harness".to_string(), "check".to_string()]
        .into_iter()
        .chain(record.arguments);
    let mut args = match Cli::try_parse_from(argv).map(|cli| cli.command) {
        Ok(Command::Check(args)) => args,
        Ok(_) => return fail("the record is not of a check"),
        Err(e) => return fail(&format!("its arguments no longer parse: {e}")),
    };
    args.report = Some(dir);
    check_command(&args, true)
}

fn check_command(args: &CheckArgs, resume: bool) -> ExitCode {
    use std::io::IsTerminal;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let mut request = match check_request(args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("domainbackup-harness check: {e}");
            return ExitCode::from(2);
        }
    };
    request.resume = resume;
    if let (Some(dir), false, None) = (&args.report, resume, &args.replay) {
        if let Err(e) = record_campaign(dir) {
            eprintln!("domainbackup-harness check: {e}");
            return ExitCode::from(2);
        }
    }
    if let Some(file) = &args.replay {
        return match conform::run::execute_replay(&request, file) {
            Ok(replay) => {
                print!("{}", conform::report::replay_summary(&replay));
                ExitCode::from(u8::from(
                    replay.disagrees() && replay.result.known.is_none(),
                ))
            }
            Err(e) => {
                eprintln!("domainbackup-harness check: {e}");
                ExitCode::from(2)
            }
        };
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // A second Ctrl-C stops at once.
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cases {per_sec} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = Bar(bar);
    let result = conform::run::execute(&request, &[], &progress, &cancel);
    progress.0.finish_and_clear();
    match result {
        Ok(report) => {
            print!("{}", conform::report::terminal_summary(&report, args.show));
            if let Some(dir) = &args.report {
                println!("report: {}", dir.join("index.html").display());
            }
            let status = ExitCode::from(report.exit_status(request.config.strict));
            // The process ends here: freeing a campaign's results one by one would take a
            // few percent of the run; the system takes the memory back at once.
            std::mem::forget(report);
            status
        }
        Err(e) => {
            eprintln!("domainbackup-harness check: {e}");
            ExitCode::from(2)
        }
    }
}

fn matrix_command(args: &MatrixArgs) -> ExitCode {
    use conform::report::{MatrixRun, overall, percent, read_report_dir, write_matrix_dir};
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("domainbackup-harness matrix: {e}");
        ExitCode::from(2)
    };
    let dir = args
        .adapters
        .clone()
        .or_else(conform::registry::default_dir);
    let (names, emitter_names) = if args.implementations.is_empty() && args.from.is_empty() {
        match conform::registry::runnable(dir.as_deref(), args.libvirt_so.as_deref()) {
            Ok(runnable) => {
                for (name, why) in runnable.left_out {
                    println!("left out: {name} ({why})");
                }
                (runnable.names, runnable.emitters)
            }
            Err(e) => return fail(&e),
        }
    } else {
        let mut readers = Vec::new();
        let mut emitters = Vec::new();
        for name in &args.implementations {
            match conform::registry::is_emitter(dir.as_deref(), name) {
                Ok(true) => emitters.push(name.clone()),
                Ok(false) => readers.push(name.clone()),
                Err(e) => return fail(&e),
            }
        }
        (readers, emitters)
    };
    if args.jobs == Some(0) {
        return fail(&"--jobs must be at least 1");
    }
    let never = std::sync::atomic::AtomicBool::new(false);
    let mut runs = Vec::new();
    for name in &names {
        let spec = match conform::registry::resolve(
            dir.as_deref(),
            name,
            args.libvirt_so.clone(),
            &|adapter| eprintln!("building {name}: {}", adapter.build_command().display()),
        ) {
            Ok(spec) => spec,
            Err(e) => return fail(&e),
        };
        let sub = format!("runs/{}", conform::report::badge_name(name));
        let mut config = conform::CheckConfig {
            seed: args.seed,
            cases: args.cases,
            filter: args.filter.clone(),
            ..conform::CheckConfig::default()
        };
        if let Some(jobs) = args.jobs {
            config.jobs = jobs;
        }
        let request = conform::run::CheckRequest {
            implementation: spec,
            name: (!conform::registry::BUILTIN.contains(&name.as_str())).then(|| name.clone()),
            config,
            report_dir: Some(args.out.join(&sub)),
            write_known_failures: None,
            resume: false,
        };
        match conform::run::execute(&request, &[], &conform::run::Quiet, &never) {
            Ok(report) => {
                let all = overall(&report);
                println!(
                    "{}: {} cases in {:.1} s, compliance {} ({} agree of {} judged, {} accepted invalid), {} classes",
                    report.implementation.name,
                    all.cases,
                    report.elapsed_ms as f64 / 1000.0,
                    percent(all.compliance()),
                    all.agree,
                    all.judged,
                    all.accepted_invalid,
                    report.classes().len()
                );
                runs.push(MatrixRun { report, dir: sub });
            }
            Err(e) => return fail(&format!("{name}: {e}")),
        }
    }
    let mut emitters = Vec::new();
    for name in &emitter_names {
        match run_emitter_for_matrix(dir.as_deref(), name, args) {
            Ok(run) => emitters.push(run),
            Err(e) => return fail(&format!("{name}: {e}")),
        }
    }
    for from in &args.from {
        if domainbackup_harness::emit::report::is_report_dir(from) {
            match domainbackup_harness::emit::report::read_report_dir(from) {
                Ok(report) => {
                    println!(
                        "{}: {} intents, from {}",
                        report.emitter.name,
                        report.results.len(),
                        from.display()
                    );
                    emitters.push(domainbackup_harness::emit::matrix::EmitterRun {
                        report,
                        dir: matrix_link(from, &args.out),
                    });
                }
                Err(e) => return fail(&e),
            }
            continue;
        }
        match read_report_dir(from) {
            Ok(reports) => {
                let link = matrix_link(from, &args.out);
                for report in reports {
                    println!(
                        "{}: {} cases, from {}",
                        report.implementation.name,
                        report.results.len(),
                        from.display()
                    );
                    runs.push(MatrixRun {
                        report,
                        dir: link.clone(),
                    });
                }
            }
            Err(e) => return fail(&e),
        }
    }
    if runs.is_empty() && emitters.is_empty() {
        return fail(
            &"nothing to put in a matrix: no implementation is ready (see `domainbackup-harness implementations`)",
        );
    }
    if let Err(e) = write_matrix_dir(&args.out, &runs, &emitters) {
        return fail(&e);
    }
    println!("matrix: {}", args.out.join("index.html").display());
    ExitCode::SUCCESS
}

/// How the matrix page links to a report folder given with `--from`: relative when the
/// folder is inside the matrix's.
fn matrix_link(from: &std::path::Path, out: &std::path::Path) -> String {
    let _ = std::fs::create_dir_all(out);
    match (std::fs::canonicalize(from), std::fs::canonicalize(out)) {
        (Ok(p), Ok(out)) => p
            .strip_prefix(&out)
            .map_or_else(|_| p.display().to_string(), |r| r.display().to_string()),
        _ => from.display().to_string(),
    }
}

/// One emitter's campaign for the matrix, its report folder written under `runs/`.
fn run_emitter_for_matrix(
    dir: Option<&std::path::Path>,
    name: &str,
    args: &MatrixArgs,
) -> Result<domainbackup_harness::emit::matrix::EmitterRun, String> {
    use domainbackup_harness::emit::{campaign, protocol::EmitterProcess};
    let command = conform::registry::resolve_emitter(dir, name, &|adapter| {
        eprintln!("building {name}: {}", adapter.build_command().display())
    })
    .map_err(|e| e.to_string())?;
    let timeout = std::time::Duration::from_secs(5);
    let jobs = args
        .jobs
        .unwrap_or_else(|| conform::CheckConfig::default().jobs);
    let mut processes =
        EmitterProcess::start_jobs(command, jobs, timeout, conform::DEFAULT_OUTPUT_CAP)
            .map_err(|e| e.to_string())?;
    let config = campaign::EmitCheckConfig {
        seed: args.seed,
        cases: args.emitter_cases,
        ..campaign::EmitCheckConfig::default()
    };
    let started = std::time::Instant::now();
    let report = campaign::run(&mut processes, &config);
    drop(processes);
    let sub = format!("runs/{}", conform::report::badge_name(name));
    domainbackup_harness::emit::report::write_report_dir(&args.out.join(&sub), &report)
        .map_err(|e| e.to_string())?;
    let run = domainbackup_harness::emit::matrix::EmitterRun { report, dir: sub };
    let all = domainbackup_harness::emit::matrix::overall(&run);
    println!(
        "{name} (emitter): {} intents in {:.1} s, compliance {} ({} agree of {} judged, {} unsupported), {} classes",
        all.cases,
        started.elapsed().as_secs_f64(),
        conform::report::percent(all.compliance()),
        all.agree,
        all.judged,
        all.skipped,
        run.report.class_counts().len()
    );
    Ok(run)
}

fn implementations_command(
    dir: Option<&std::path::Path>,
    library: Option<&std::path::Path>,
) -> ExitCode {
    let dir = dir
        .map(PathBuf::from)
        .or_else(conform::registry::default_dir);
    let entries = match conform::registry::list(dir.as_deref(), library) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("domainbackup-harness implementations: {e}");
            return ExitCode::from(2);
        }
    };
    let width = entries
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0)
        .max(12);
    println!(
        "{:<width$} {:<8} {:<15} {:<9} {:<10} status",
        "name", "language", "role", "protocol", "validates"
    );
    for e in &entries {
        let roles: Vec<&str> = e.roles.iter().map(|r| r.name()).collect();
        println!(
            "{:<width$} {:<8} {:<15} {:<9} {:<10} {}: {}",
            e.name,
            e.language,
            roles.join(", "),
            e.protocol,
            e.validates.name(),
            e.readiness.label(),
            e.readiness.detail()
        );
    }
    match &dir {
        Some(dir) => println!("adapters: {}", dir.display()),
        None => println!(
            "adapters: none found (set {} to a folder of adapters)",
            conform::registry::IMPLEMENTATIONS_ENV
        ),
    }
    println!(
        "run one: domainbackup-harness check --impl NAME (a reader), \
         domainbackup-harness check-emitter --impl NAME (an emitter)"
    );
    ExitCode::SUCCESS
}

fn report_command(dirs: &[PathBuf], out: &std::path::Path, exit_status: bool) -> ExitCode {
    match conform::report::merge_dirs(dirs)
        .and_then(|merged| conform::report::write_report_dir(out, &merged).map(|_| merged))
    {
        Ok(merged) => {
            for r in &merged {
                println!(
                    "{}: {} cases, {} disagreements",
                    r.implementation.name,
                    r.results.len(),
                    r.results
                        .iter()
                        .filter(|x| x.outcome.is_disagreement())
                        .count()
                );
            }
            println!("report: {}", out.join("index.html").display());
            if !exit_status {
                return ExitCode::SUCCESS;
            }
            // A disagreement anywhere outweighs an interruption anywhere, as in one run.
            let status = merged
                .iter()
                .map(|r| r.exit_status(false))
                .max_by_key(|&s| {
                    (
                        s == conform::report::EXIT_DISAGREE,
                        s != conform::report::EXIT_AGREE,
                    )
                })
                .unwrap_or(conform::report::EXIT_AGREE);
            ExitCode::from(status)
        }
        Err(e) => {
            eprintln!("domainbackup-harness report: {e}");
            ExitCode::from(2)
        }
    }
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// Cases per profile and mode.
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// The seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only valid documents.
    #[arg(long, conflicts_with_all = ["invalid", "mixed"])]
    valid: bool,
    /// Only invalid documents.
    #[arg(long, conflicts_with = "mixed")]
    invalid: bool,
    /// Valid and invalid documents, alternating (the default).
    #[arg(long)]
    mixed: bool,
    /// parse, align, internal or internal-align; all four when not given.
    #[arg(long, value_parser = parse_mode)]
    mode: Option<domainbackup_harness::Mode>,
    /// 9.0 or 11.3; both when not given.
    #[arg(long)]
    profile: Option<Profile>,
    /// Print the grammar coverage of the valid cases.
    #[arg(long)]
    coverage: bool,
    /// Where to write `cases/` and `manifest.jsonl`.
    #[arg(long)]
    out: PathBuf,
}

fn parse_mode(s: &str) -> Result<domainbackup_harness::Mode, String> {
    domainbackup_harness::Mode::from_name(s).ok_or_else(|| {
        format!("unknown mode '{s}' (expected parse, align, internal or internal-align)")
    })
}

fn generate_command(args: &GenerateArgs) -> ExitCode {
    use domainbackup_harness::generator::campaign::{self, Kind};
    let kind = if args.valid {
        Kind::Valid
    } else if args.invalid {
        Kind::Invalid
    } else {
        Kind::Mixed
    };
    let profiles = args.profile.map_or(Profile::ALL.to_vec(), |p| vec![p]);
    let modes = args
        .mode
        .map_or(domainbackup_harness::Mode::ALL.to_vec(), |m| vec![m]);
    let streams: Vec<_> = profiles
        .iter()
        .flat_map(|p| modes.iter().map(move |m| (*p, *m)))
        .collect();
    match campaign::write_to_dir(&args.out, &streams, kind, args.seed, args.count) {
        Ok(written) => {
            eprintln!(
                "wrote {} cases and {}",
                written.cases,
                written.manifest.display()
            );
            if args.coverage {
                for (profile, mode, coverage) in &written.coverage {
                    print!("{}", coverage.summary(*profile, *mode));
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "domainbackup-harness: cannot write to {}: {e}",
                args.out.display()
            );
            ExitCode::from(2)
        }
    }
}

fn read_input(file: Option<&PathBuf>) -> Result<Vec<u8>, String> {
    match file {
        None => read_stdin(),
        Some(p) if p.as_os_str() == "-" => read_stdin(),
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())),
    }
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(buf)
}

/// A campaign allocates a small tree per document, twice per case; mimalloc's thread-local
/// free lists make that markedly cheaper than the system allocator (see benches/campaign.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Parse {
            profile,
            internal,
            align,
            file,
        } => {
            let input = match read_input(file.as_ref()) {
                Ok(input) => input,
                Err(e) => {
                    eprintln!("domainbackup-harness: {e}");
                    return ExitCode::from(2);
                }
            };
            match domainbackup_harness::process(
                &input,
                Options {
                    profile,
                    internal,
                    align,
                },
            ) {
                Ok(text) => {
                    let mut out = std::io::stdout().lock();
                    if out
                        .write_all(text.as_bytes())
                        .and_then(|_| out.flush())
                        .is_err()
                    {
                        return ExitCode::from(2);
                    }
                    ExitCode::SUCCESS
                }
                Err(rejection) => {
                    eprintln!("error: {}", rejection.to_line());
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve => {
            let stdin = std::io::stdin().lock();
            let stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match domainbackup_harness::conform::serve::serve(stdin, stdout) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("domainbackup-harness serve: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check(args) => match &args.resume {
            Some(dir) => resume_command(dir),
            None => check_command(&args, false),
        },
        Command::CheckEmitter(args) => check_emitter_command(&args),
        Command::Generate(args) => generate_command(&args),
        Command::Matrix(args) => matrix_command(&args),
        Command::Implementations { dir, libvirt_so } => {
            implementations_command(dir.as_deref(), libvirt_so.as_deref())
        }
        Command::Report {
            dirs,
            out,
            exit_status,
        } => report_command(&dirs, &out, exit_status),
        Command::Rules { rule } => rules_command(rule.as_deref()),
    }
}

fn check_emitter_command(args: &EmitterArgs) -> ExitCode {
    use domainbackup_harness::emit::campaign::{self, EmitCheckConfig};
    use domainbackup_harness::emit::protocol::EmitterProcess;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        eprintln!(
            "domainbackup-harness check-emitter: --timeout {} is not a positive number of seconds",
            args.timeout
        );
        return ExitCode::from(2);
    }
    let timeout = std::time::Duration::from_secs_f64(args.timeout);
    if args.jobs == Some(0) {
        eprintln!("domainbackup-harness check-emitter: --jobs must be at least 1");
        return ExitCode::from(2);
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| conform::CheckConfig::default().jobs);
    let command = match (&args.implementation, args.command.is_empty()) {
        (Some(_), false) => {
            eprintln!(
                "domainbackup-harness check-emitter: give either --impl or `-- COMMAND`, not both"
            );
            return ExitCode::from(2);
        }
        (Some(name), true) => {
            let dir = args
                .implementations
                .clone()
                .or_else(conform::registry::default_dir);
            match conform::registry::resolve_emitter(dir.as_deref(), name, &|adapter| {
                eprintln!("building {name}: {}", adapter.build_command().display())
            }) {
                Ok(command) => command,
                Err(e) => {
                    eprintln!("domainbackup-harness check-emitter: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        (None, _) => args.command.clone(),
    };
    let mut process =
        match EmitterProcess::start_jobs(command, jobs, timeout, conform::DEFAULT_OUTPUT_CAP) {
            Ok(process) => process,
            Err(e) => {
                eprintln!("domainbackup-harness check-emitter: {e}");
                return ExitCode::from(2);
            }
        };
    let config = EmitCheckConfig {
        seed: args.seed,
        cases: args.cases,
        profiles: args.profiles.clone(),
        shrink_budget: args.shrink_budget,
    };
    let report = campaign::run(&mut process, &config);
    print!("{}", campaign::summary(&report));
    if let Some(dir) = &args.report {
        // The summary is out already: a folder that cannot be written loses nothing else.
        if let Err(e) = domainbackup_harness::emit::report::write_report_dir(dir, &report) {
            eprintln!("domainbackup-harness check-emitter: the report: {e}");
            return ExitCode::from(2);
        }
        println!("report: {}", dir.join("index.html").display());
    }
    if report.profiles.is_empty() {
        eprintln!(
            "domainbackup-harness check-emitter: the emitter declares none of the profiles asked for"
        );
        return ExitCode::from(2);
    }
    if report.disagreements() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn rules_command(rule: Option<&str>) -> ExitCode {
    use domainbackup_harness::rules;
    let Some(wanted) = rule else {
        print!("{}", rules::listing());
        return ExitCode::SUCCESS;
    };
    let found: Vec<&rules::Rule> = match rules::by_id(wanted) {
        Some(rule) => vec![rule],
        None => rules::by_spec(wanted).collect(),
    };
    if found.is_empty() {
        let near: Vec<&str> = rules::ALL
            .iter()
            .map(|r| r.id)
            .filter(|id| {
                wanted
                    .split(['.', '-'])
                    .any(|w| w.len() > 2 && id.contains(w))
            })
            .collect();
        eprintln!("domainbackup-harness rules: no rule '{wanted}'");
        if !near.is_empty() {
            eprintln!("rules with a word of it: {}", near.join(", "));
        }
        eprintln!("`domainbackup-harness rules` lists them all");
        return ExitCode::from(2);
    }
    for rule in found {
        print!("{}", rule.describe());
    }
    ExitCode::SUCCESS
}
