//! The `domainbackup-harness` command line. It holds no logic of its own: every command
//! calls the library and prints what it returns.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use domainbackup_harness::{Options, Profile};

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
    /// `error: stage=.. code=.. domain=.. message=..`, exit 1. Usage or I/O problem: exit 2.
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
    /// Write generated cases (valid, invalid or mixed) and a manifest of JSON lines
    /// (id, file, profile, mode, rule, expected verdict and output) into a folder.
    ///
    /// The same seed gives the same bytes. The first cases of each stream cover every
    /// production of the grammar (valid) and every rule id (invalid).
    Generate(GenerateArgs),
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
        Command::Generate(args) => generate_command(&args),
    }
}
