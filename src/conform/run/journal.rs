//! A campaign's journal in its report folder (`journal.jsonl`): every judged case
//! appended as it completes, so that a run keeps no result in memory, a killed run loses
//! nothing it had written, and [`super::execute`] can finish it later (`--resume`). At the
//! end the journal is sorted by case id into `results.jsonl`, by an external merge when it
//! is larger than [`SORT_BUFFER`].
//!
//! One line per case: its slot, its id (a JSON string), its class signature (JSON, or `-`
//! when it agrees) and its result (the JSON object `results.jsonl` holds), separated by
//! tabs. JSON text holds no tab or newline of its own, so a line splits without parsing.
//!
//! Files only: it must not run, judge or count cases.

use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::conform::compare::Outcome;
use crate::conform::report::CaseResult;
use crate::conform::shrink::Signature;

use super::EnvironmentError;

/// The journal's file name in a report folder.
pub const JOURNAL: &str = "journal.jsonl";

/// The bytes of journal lines sorted in memory at once; a larger journal is sorted in
/// runs of this size, then merged.
pub const SORT_BUFFER: usize = 16 << 20;

/// A journal open for appending.
pub struct Journal {
    path: PathBuf,
    out: BufWriter<File>,
}

/// One case as the journal holds it, read back.
pub struct Entry {
    /// Its slot in the campaign.
    pub slot: usize,
    /// Its class signature, when it disagrees.
    pub signature: Option<Signature>,
    /// Its result.
    pub result: CaseResult,
}

impl Journal {
    /// A new, empty journal in `dir` (any older one is replaced).
    pub fn create(dir: &Path) -> Result<Journal, EnvironmentError> {
        std::fs::create_dir_all(dir).map_err(|e| EnvironmentError::io(dir, e))?;
        let path = dir.join(JOURNAL);
        let file = File::create(&path).map_err(|e| EnvironmentError::io(&path, e))?;
        Ok(Journal {
            out: BufWriter::with_capacity(1 << 16, file),
            path,
        })
    }

    /// The journal of `dir` reopened for appending, after `each` has been given every
    /// entry it holds. A last line cut short (the run was killed while writing it) is
    /// dropped and cut off the file; any other line that cannot be read is an error naming
    /// it.
    pub fn resume(dir: &Path, mut each: impl FnMut(Entry)) -> Result<Journal, EnvironmentError> {
        let path = dir.join(JOURNAL);
        let file = File::open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => EnvironmentError::Io {
                path: path.display().to_string(),
                reason: "no journal to resume: the campaign finished, or was not run with \
                         --report into this folder"
                    .into(),
            },
            _ => EnvironmentError::io(&path, e),
        })?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut line = Vec::new();
        let mut good: u64 = 0;
        let mut number = 0usize;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| EnvironmentError::io(&path, e))?;
            if read == 0 {
                break;
            }
            number += 1;
            if line.last() != Some(&b'\n') {
                // The last line, never finished.
                break;
            }
            let entry =
                parse_line(&line[..line.len() - 1]).map_err(|reason| EnvironmentError::Io {
                    path: path.display().to_string(),
                    reason: format!("line {number}: {reason}"),
                })?;
            each(entry);
            good += read as u64;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(|e| EnvironmentError::io(&path, e))?;
        file.set_len(good)
            .map_err(|e| EnvironmentError::io(&path, e))?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        use std::io::Seek as _;
        out.seek(std::io::SeekFrom::End(0))
            .map_err(|e| EnvironmentError::io(&path, e))?;
        Ok(Journal { path, out })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends lines made by [`line`] and hands them to the system (a killed process keeps
    /// them; a lost machine keeps what the system had written).
    pub fn append(&mut self, lines: &[u8]) -> Result<(), EnvironmentError> {
        self.out
            .write_all(lines)
            .and_then(|()| self.out.flush())
            .map_err(|e| EnvironmentError::io(&self.path, e))
    }

    /// Sorts the journal by case id (equal ids in slot order) into `results` (written
    /// beside it and renamed over it), using at most about [`SORT_BUFFER`] bytes.
    pub fn sort_into(&mut self, results: &Path) -> Result<(), EnvironmentError> {
        self.out
            .flush()
            .map_err(|e| EnvironmentError::io(&self.path, e))?;
        sort_journal(&self.path, results, SORT_BUFFER)
    }

    /// Removes the journal (the campaign is complete and sorted).
    pub fn remove(self) -> Result<(), EnvironmentError> {
        drop(self.out);
        std::fs::remove_file(&self.path).map_err(|e| EnvironmentError::io(&self.path, e))
    }
}

/// The journal line of one judged case, appended to `out`.
pub fn line(out: &mut Vec<u8>, slot: usize, signature: Option<&Signature>, result: &CaseResult) {
    use std::io::Write as _;
    let _ = write!(out, "{slot}\t");
    // Serializing strings and plain records into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, &result.id);
    out.push(b'\t');
    match signature {
        Some(s) => {
            let _ = serde_json::to_writer(&mut *out, &SignatureRecord::of(s));
        }
        None => out.push(b'-'),
    }
    out.push(b'\t');
    let _ = serde_json::to_writer(&mut *out, result);
    out.push(b'\n');
}

/// A line's four fields.
fn fields(line: &[u8]) -> Result<[&[u8]; 4], String> {
    let mut parts = line.splitn(4, |&b| b == b'\t');
    let mut next = || parts.next().ok_or("fewer than four tab-separated fields");
    Ok([next()?, next()?, next()?, next()?])
}

fn parse_line(line: &[u8]) -> Result<Entry, String> {
    let [slot, _, signature, result] = fields(line)?;
    let slot = std::str::from_utf8(slot)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or("the slot is not a number")?;
    let signature = match signature {
        b"-" => None,
        json => Some(
            serde_json::from_slice::<SignatureRecord>(json)
                .map_err(|e| format!("signature: {e}"))?
                .signature()?,
        ),
    };
    let result = serde_json::from_slice(result).map_err(|e| format!("result: {e}"))?;
    Ok(Entry {
        slot,
        signature,
        result,
    })
}

/// A signature as the journal holds it (its rule and difference kind by name).
#[derive(serde::Serialize, serde::Deserialize)]
struct SignatureRecord {
    outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refusal: Option<String>,
}

impl SignatureRecord {
    fn of(s: &Signature) -> SignatureRecord {
        SignatureRecord {
            outcome: s.outcome,
            rule: s.rule.map(str::to_string),
            path: s.path.clone(),
            kind: s.kind.map(str::to_string),
            refusal: s.refusal.clone(),
        }
    }

    fn signature(self) -> Result<Signature, String> {
        let rule = match self.rule {
            None => None,
            Some(id) => Some(
                crate::rules::by_id(&id)
                    .map(|r| r.id)
                    .ok_or_else(|| format!("'{id}' is no rule of this catalogue"))?,
            ),
        };
        let kind = match self.kind.as_deref() {
            None => None,
            Some(k) => Some(
                crate::conform::compare::DIFFERENCE_KINDS
                    .iter()
                    .copied()
                    .find(|x| *x == k)
                    .ok_or_else(|| format!("'{k}' is no kind of difference"))?,
            ),
        };
        Ok(Signature {
            outcome: self.outcome,
            rule,
            path: self.path,
            kind,
            refusal: self.refusal,
        })
    }
}

/// The sort key of a journal line: the case id (unescaped), then the slot.
fn key(line: &[u8]) -> Result<(String, usize), String> {
    let [slot, id, _, _] = fields(line)?;
    let slot = std::str::from_utf8(slot)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or("the slot is not a number")?;
    let id: String = serde_json::from_slice(id).map_err(|e| format!("id: {e}"))?;
    Ok((id, slot))
}

/// The result field of a journal line (with no newline).
fn result_of(line: &[u8]) -> &[u8] {
    fields(line).map_or(&[][..], |[_, _, _, result]| result)
}

/// Sorts the journal at `journal` into `results` with runs of at most `buffer` bytes.
fn sort_journal(journal: &Path, results: &Path, buffer: usize) -> Result<(), EnvironmentError> {
    let bad = |number: usize, reason: String| EnvironmentError::Io {
        path: journal.display().to_string(),
        reason: format!("line {number}: {reason}"),
    };
    let file = File::open(journal).map_err(|e| EnvironmentError::io(journal, e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let runs_dir = journal.with_extension("runs");
    let mut runs: Vec<PathBuf> = Vec::new();
    let mut text: Vec<u8> = Vec::new();
    let mut lines: Vec<(String, usize, usize, usize)> = Vec::new();
    let mut number = 0usize;
    let mut ended = false;
    // One sorted run of lines in memory: written out as the result when it is the only
    // one, else as a run file of whole journal lines.
    let write_run = |text: &[u8],
                     lines: &mut Vec<(String, usize, usize, usize)>,
                     runs: &mut Vec<PathBuf>,
                     only: bool| {
        lines.sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let (path, whole) = if only {
            (results.to_path_buf(), false)
        } else {
            std::fs::create_dir_all(&runs_dir).map_err(|e| EnvironmentError::io(&runs_dir, e))?;
            let path = runs_dir.join(format!("{}.jsonl", runs.len()));
            runs.push(path.clone());
            (path, true)
        };
        crate::conform::report::write_file_with(&path, |out| {
            for &(_, _, start, end) in lines.iter() {
                let line = &text[start..end];
                let part = if whole { line } else { result_of(line) };
                out.write_all(part)
                    .and_then(|()| out.write_all(b"\n"))
                    .map_err(|e| EnvironmentError::io(&path, e))?;
            }
            Ok(())
        })?;
        lines.clear();
        Ok::<(), EnvironmentError>(())
    };
    while !ended {
        text.clear();
        lines.clear();
        while text.len() < buffer {
            let start = text.len();
            let read = reader
                .read_until(b'\n', &mut text)
                .map_err(|e| EnvironmentError::io(journal, e))?;
            if read == 0 {
                ended = true;
                break;
            }
            number += 1;
            let mut end = text.len();
            if text[end - 1] == b'\n' {
                end -= 1;
            }
            let (id, slot) = key(&text[start..end]).map_err(|r| bad(number, r))?;
            lines.push((id, slot, start, end));
        }
        let only = ended && runs.is_empty();
        write_run(&text, &mut lines, &mut runs, only)?;
    }
    if runs.is_empty() {
        return Ok(());
    }
    merge_runs(&runs, results)?;
    std::fs::remove_dir_all(&runs_dir).map_err(|e| EnvironmentError::io(&runs_dir, e))
}

/// Merges sorted run files of whole journal lines into `results` (their result fields).
fn merge_runs(runs: &[PathBuf], results: &Path) -> Result<(), EnvironmentError> {
    struct Head {
        key: (String, usize),
        line: Vec<u8>,
        run: usize,
    }
    impl PartialEq for Head {
        fn eq(&self, other: &Head) -> bool {
            self.key == other.key
        }
    }
    impl Eq for Head {}
    impl PartialOrd for Head {
        fn partial_cmp(&self, other: &Head) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for Head {
        // The heap gives its greatest first: the smallest key is the greatest.
        fn cmp(&self, other: &Head) -> std::cmp::Ordering {
            other.key.cmp(&self.key)
        }
    }
    let mut readers: Vec<BufReader<File>> = runs
        .iter()
        .map(|p| {
            File::open(p)
                .map(|f| BufReader::with_capacity(1 << 16, f))
                .map_err(|e| EnvironmentError::io(p, e))
        })
        .collect::<Result<_, _>>()?;
    let next =
        |readers: &mut [BufReader<File>], run: usize| -> Result<Option<Head>, EnvironmentError> {
            let mut line = Vec::new();
            let read = readers[run]
                .read_until(b'\n', &mut line)
                .map_err(|e| EnvironmentError::io(&runs[run], e))?;
            if read == 0 {
                return Ok(None);
            }
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            let key = key(&line).map_err(|reason| EnvironmentError::Io {
                path: runs[run].display().to_string(),
                reason,
            })?;
            Ok(Some(Head { key, line, run }))
        };
    let mut heap = BinaryHeap::new();
    for run in 0..readers.len() {
        if let Some(head) = next(&mut readers, run)? {
            heap.push(head);
        }
    }
    crate::conform::report::write_file_with(results, |out| {
        while let Some(head) = heap.pop() {
            out.write_all(result_of(&head.line))
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|e| EnvironmentError::io(results, e))?;
            if let Some(following) = next(&mut readers, head.run)? {
                heap.push(following);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, outcome: Outcome) -> CaseResult {
        CaseResult {
            implementation: "x".into(),
            id: id.into(),
            rule: "r".into(),
            source: "s".into(),
            profile: "9.0".into(),
            mode: "parse".into(),
            outcome,
            expected: "accepted".into(),
            observed: "a\ttab and a \"quote\"".into(),
            detail: String::new(),
            differences: Vec::new(),
            known: None,
            class: String::new(),
        }
    }

    /// Ids that repeat, are prefixes of each other and hold characters JSON escapes.
    fn ids(count: usize) -> Vec<String> {
        (0..count)
            .map(|i| match (i * 7919) % 61 {
                n if n % 7 == 0 => format!("case/{}", n / 7),
                n if n % 5 == 0 => format!("case/\"{n}\"\t"),
                n => format!("case/{n}"),
            })
            .collect()
    }

    #[test]
    fn the_journal_sorts_as_a_stable_sort_by_id_in_memory_or_by_merging_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ids = ids(500);
        let mut journal = Journal::create(dir.path()).expect("journal");
        let mut lines = Vec::new();
        // Appended out of slot order, as parallel jobs complete them.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| (i * 31) % 97);
        for &slot in &order {
            line(&mut lines, slot, None, &result(&ids[slot], Outcome::Agree));
        }
        journal.append(&lines).expect("append");
        let mut expected: Vec<(usize, &String)> = ids.iter().enumerate().collect();
        expected.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        let expected: String = expected
            .iter()
            .map(|&(_, id)| serde_json::to_string(&result(id, Outcome::Agree)).unwrap() + "\n")
            .collect();
        // One run in memory, then runs of a few lines each, merged.
        for buffer in [SORT_BUFFER, 1, 700, 5000] {
            let out = dir.path().join(format!("results-{buffer}.jsonl"));
            sort_journal(journal.path(), &out, buffer).expect("sort");
            let text = std::fs::read_to_string(&out).expect("read");
            assert_eq!(text, expected, "sort buffer {buffer}");
            assert!(!journal.path().with_extension("runs").exists());
        }
    }

    #[test]
    fn a_resumed_journal_gives_back_its_entries_and_drops_a_torn_last_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let signature = Signature {
            outcome: Outcome::FalseAccept,
            rule: Some(crate::rules::by_id("parse.mode.unknown").expect("rule").id),
            path: Some("/domainbackup/@mode".into()),
            kind: Some("changed"),
            refusal: Some("bad".into()),
        };
        let mut journal = Journal::create(dir.path()).expect("journal");
        let mut lines = Vec::new();
        line(&mut lines, 4, None, &result("a", Outcome::Agree));
        line(
            &mut lines,
            2,
            Some(&signature),
            &result("b", Outcome::FalseAccept),
        );
        journal.append(&lines).expect("append");
        drop(journal);
        // A run killed in the middle of a line.
        let path = dir.path().join(JOURNAL);
        let whole = std::fs::read(&path).expect("read");
        let mut torn = whole.clone();
        torn.extend_from_slice(b"7\t\"c\"\t-\t{\"implem");
        std::fs::write(&path, &torn).expect("write");

        let mut seen = Vec::new();
        let mut journal = Journal::resume(dir.path(), |e| seen.push(e)).expect("resume");
        assert_eq!(seen.len(), 2);
        assert_eq!((seen[0].slot, seen[0].signature.as_ref()), (4, None));
        assert_eq!(seen[0].result, result("a", Outcome::Agree));
        assert_eq!(
            (seen[1].slot, seen[1].signature.as_ref()),
            (2, Some(&signature))
        );
        assert_eq!(
            std::fs::read(&path).expect("read"),
            whole,
            "the torn line is cut off"
        );
        let mut more = Vec::new();
        line(&mut more, 7, None, &result("c", Outcome::Agree));
        journal.append(&more).expect("append");
        let mut all = whole.clone();
        all.extend_from_slice(&more);
        assert_eq!(std::fs::read(&path).expect("read"), all);
        drop(journal);

        // A bad line before the last is an error naming it; no journal is an error saying so.
        let mut bad = whole.clone();
        bad.splice(0..1, b"x".iter().copied());
        std::fs::write(&path, &bad).expect("write");
        let e = Journal::resume(dir.path(), |_| {}).err().expect("an error");
        assert!(
            e.to_string().contains("line 1: the slot is not a number"),
            "{e}"
        );
        std::fs::remove_file(&path).expect("remove");
        let e = Journal::resume(dir.path(), |_| {}).err().expect("an error");
        assert!(e.to_string().contains("no journal to resume"), "{e}");
    }
}
