//! Replaying one stored counterexample: its document, mode and profile against the
//! reference's outcome now and the implementation now; and the command line that does it,
//! written into every counterexample file.
//!
//! It must not read the stored expectation as the truth: the reference decides again.

use std::path::Path;

use crate::conform::CheckConfig;
use crate::conform::compare::judge;
use crate::conform::implementation::{Launcher, Observed};
use crate::conform::report::{CaseResult, Counterexample};

use super::{EnvironmentError, Replay};

/// The command that replays a counterexample file against the same implementation.
pub fn replay_command(file: &Path, launcher: &dyn Launcher, config: &CheckConfig) -> String {
    let mut cmd = format!(
        "domainbackup-harness check --replay {}",
        crate::conform::implementation::shell_words(&[file.as_os_str().to_owned()])
    );
    if config.compare != crate::conform::Comparison::default() {
        cmd.push_str(&format!(" --compare {}", config.compare.name()));
    }
    if config.timeout != crate::conform::CheckConfig::default().timeout {
        cmd.push_str(&format!(" --timeout {}", config.timeout.as_secs_f64()));
    }
    cmd.push(' ');
    cmd.push_str(&launcher.command_line());
    cmd
}

/// Replays a counterexample file: its document, mode and profile, against the reference's
/// outcome now (never the stored expectation) and the implementation now.
pub fn replay(
    file: &Path,
    launcher: &dyn Launcher,
    config: &CheckConfig,
) -> Result<Replay, EnvironmentError> {
    let counterexample = Counterexample::read(file)?;
    let case = counterexample.case()?;
    let caps = launcher.capabilities();
    let mut instance = launcher.start()?;
    let expected = case.expectation();
    let observed = if caps.modes.contains(&case.mode) && caps.profiles.contains(&case.profile) {
        instance.run(&case)
    } else {
        Observed::Skipped {
            reason: format!(
                "{} does not support mode {} under profile {}",
                caps.name, case.mode, case.profile
            ),
        }
    };
    let judgement = judge(&expected, &observed, config.compare, case.profile);
    let mut result = CaseResult::judged(&case, &caps.name, &expected, &observed, &judgement);
    config
        .known_failures
        .apply(std::slice::from_mut(&mut result));
    Ok(Replay {
        counterexample,
        result,
        observed,
    })
}
