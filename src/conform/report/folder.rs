//! The report folder on disk: `results.jsonl`, `summary.json`, `junit.xml` and
//! `index.html` written and read back, and the counterexample files (`counterexamples/`).
//!
//! Files only: what goes into them is rendered by the other modules of [`super`]; nothing
//! here decides what a run found.

use std::path::Path;

use crate::conform::environment::EnvironmentError;

use super::{
    CaseResult, Counterexample, MatrixRun, RunReport, badge, badge_name, columns, html_page,
    matrix_json, matrix_page, overall, write_junit,
};

/// `results.jsonl`: one JSON object per case, sorted by implementation then case id,
/// written to `sink` (`path` names it in an error).
pub fn write_results_jsonl(
    sink: &mut dyn std::io::Write,
    reports: &[RunReport],
    path: &Path,
) -> Result<(), EnvironmentError> {
    let mut order: Vec<&RunReport> = reports.iter().collect();
    order.sort_by(|a, b| a.implementation.name.cmp(&b.implementation.name));
    let mut failed: Option<std::io::Error> = None;
    let mut line = Vec::with_capacity(1024);
    for report in order {
        report.each_result(|r| {
            line.clear();
            // Serializing plain strings and enums cannot fail.
            if serde_json::to_writer(&mut line, r).is_ok() && failed.is_none() {
                line.push(b'\n');
                if let Err(e) = sink.write_all(&line) {
                    failed = Some(e);
                }
            }
        })?;
    }
    match failed {
        None => Ok(()),
        Some(e) => Err(EnvironmentError::io(path, e)),
    }
}

/// Writes the file at `path` through `fill`, to a temporary file beside it renamed over it
/// at the end: a reader (or a report read back from the same folder) never sees half a file.
pub(crate) fn write_file_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<(), EnvironmentError>,
) -> Result<(), EnvironmentError> {
    use std::io::Write as _;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let partial = path.with_file_name(name);
    let file = std::fs::File::create(&partial).map_err(|e| EnvironmentError::io(&partial, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    fill(&mut out)?;
    out.flush().map_err(|e| EnvironmentError::io(path, e))?;
    drop(out);
    std::fs::rename(&partial, path).map_err(|e| EnvironmentError::io(path, e))
}

impl Counterexample {
    /// Writes the file (pretty JSON).
    pub fn write(&self, path: &Path) -> Result<(), EnvironmentError> {
        let text = serde_json::to_string_pretty(self).map_err(|e| EnvironmentError::io(path, e))?;
        std::fs::write(path, text + "\n").map_err(|e| EnvironmentError::io(path, e))
    }

    /// Reads a file written by [`Counterexample::write`].
    pub fn read(path: &Path) -> Result<Counterexample, EnvironmentError> {
        let text = std::fs::read(path).map_err(|e| EnvironmentError::io(path, e))?;
        let mut c: Counterexample =
            serde_json::from_slice(&text).map_err(|e| EnvironmentError::Io {
                path: path.display().to_string(),
                reason: format!("not a counterexample file: {e}"),
            })?;
        if c.format != Counterexample::FORMAT {
            return Err(EnvironmentError::Io {
                path: path.display().to_string(),
                reason: format!("unknown counterexample format '{}'", c.format),
            });
        }
        c.file = path.display().to_string();
        Ok(c)
    }
}

/// Writes a report folder: `results.jsonl`, `summary.json`, `junit.xml`, `index.html`
/// (counterexample files are written by the run itself, under `counterexamples/`).
pub fn write_report_dir(dir: &Path, reports: &[RunReport]) -> Result<(), EnvironmentError> {
    std::fs::create_dir_all(dir).map_err(|e| EnvironmentError::io(dir, e))?;
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| EnvironmentError::io(&path, e))
    };
    let results = dir.join("results.jsonl");
    // A run that streamed its results has already written them here, sorted.
    let written = match reports {
        [one] => one
            .results_file
            .as_deref()
            .is_some_and(|f| same_file(f, &results)),
        _ => false,
    };
    if !written {
        write_file_with(&results, |out| write_results_jsonl(out, reports, &results))?;
    }
    // Each run with its divergence classes (derived from the results, so not read back).
    let runs: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            let mut value = serde_json::to_value(r)?;
            if let serde_json::Value::Object(fields) = &mut value {
                fields.insert("classes".into(), serde_json::to_value(r.classes())?);
            }
            Ok(value)
        })
        .collect::<Result<_, serde_json::Error>>()
        .map_err(|e| EnvironmentError::io(dir, e))?;
    let summary = serde_json::to_string_pretty(&runs).map_err(|e| EnvironmentError::io(dir, e))?;
    write("summary.json", summary + "\n")?;
    let junit = dir.join("junit.xml");
    write_file_with(&junit, |out| write_junit(out, reports, &junit))?;
    write("index.html", html_page(reports)?)?;
    Ok(())
}

/// Whether two paths name one file (both exist and resolve to the same place).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Reads a report folder written by [`write_report_dir`].
pub fn read_report_dir(dir: &Path) -> Result<Vec<RunReport>, EnvironmentError> {
    let summary_path = dir.join("summary.json");
    let text = std::fs::read(&summary_path).map_err(|e| EnvironmentError::io(&summary_path, e))?;
    let mut reports: Vec<RunReport> =
        serde_json::from_slice(&text).map_err(|e| EnvironmentError::io(&summary_path, e))?;
    let results_path = dir.join("results.jsonl");
    let text = std::fs::read_to_string(&results_path)
        .map_err(|e| EnvironmentError::io(&results_path, e))?;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let result: CaseResult = serde_json::from_str(line).map_err(|e| EnvironmentError::Io {
            path: results_path.display().to_string(),
            reason: format!("line {}: {e}", i + 1),
        })?;
        match reports
            .iter_mut()
            .find(|r| r.implementation.name == result.implementation)
        {
            Some(report) => report.results.push(Box::new(result)),
            None => {
                return Err(EnvironmentError::Io {
                    path: results_path.display().to_string(),
                    reason: format!(
                        "line {}: implementation '{}' is not in summary.json",
                        i + 1,
                        result.implementation
                    ),
                });
            }
        }
    }
    for report in &mut reports {
        report.recount();
    }
    Ok(reports)
}

/// Writes a matrix folder beside its runs' folders: `index.html` (the matrix),
/// `matrix.json` (its figures) and `badges/NAME.json` (a shields.io endpoint badge per
/// implementation, and `badges/NAME-PROFILE.json` per column; the same for each emitter).
pub fn write_matrix_dir(
    dir: &Path,
    runs: &[MatrixRun],
    emitters: &[crate::emit::matrix::EmitterRun],
) -> Result<(), EnvironmentError> {
    use crate::emit::matrix as emitter;
    let badges = dir.join("badges");
    std::fs::create_dir_all(&badges).map_err(|e| EnvironmentError::io(&badges, e))?;
    let write = |path: std::path::PathBuf, text: String| {
        std::fs::write(&path, text).map_err(|e| EnvironmentError::io(&path, e))
    };
    let json = |value: &serde_json::Value| {
        serde_json::to_string_pretty(value).map_or_else(|_| String::new(), |t| t + "\n")
    };
    for run in runs {
        let name = badge_name(&run.report.implementation.name);
        write(
            badges.join(format!("{name}.json")),
            json(&badge(&overall(&run.report))),
        )?;
    }
    let columns = columns(runs);
    for column in &columns {
        let name = badge_name(&format!("{}-{}", column.implementation, column.profile));
        write(badges.join(format!("{name}.json")), json(&badge(column)))?;
    }
    for run in emitters {
        let name = badge_name(&run.report.emitter.name);
        write(
            badges.join(format!("{name}.json")),
            json(&emitter::emitter_badge(&emitter::overall(run))),
        )?;
    }
    let emitter_columns = emitter::columns(emitters);
    for column in &emitter_columns {
        let name = badge_name(&format!("{}-{}", column.implementation, column.profile));
        write(
            badges.join(format!("{name}.json")),
            json(&emitter::emitter_badge(column)),
        )?;
    }
    write(
        dir.join("matrix.json"),
        json(&matrix_json(runs, &columns, emitters, &emitter_columns)),
    )?;
    write(
        dir.join("index.html"),
        matrix_page(runs, &columns, emitters, &emitter_columns),
    )?;
    Ok(())
}
