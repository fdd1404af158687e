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
    }
}
