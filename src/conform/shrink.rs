//! Shrinking a disagreement to a minimal document that still disagrees the same way: the
//! same outcome class and, for wrong output, the same differing path (indexes aside).
//!
//! Readable documents are shrunk on the element tree (delta debugging, greedy to a fixed
//! point): remove prolog items, runs of sibling nodes (halves, quarters, ...), whole
//! child nodes (elements, text, comments, references),
//! attributes; simplify attribute values and text (empty, halves); then indent the result.
//! Documents the tree cannot hold (not well-formed) are shrunk as text: chunks of lines,
//! then of bytes. Each step re-runs the implementation and the reference; the whole is
//! bounded in steps and time.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::Rejection;

use super::ShrinkLimits;
use super::case::{Case, fnv1a};
use super::compare::{Comparison, Judgement, judge};
use super::implementation::{Implementation, Observed};
use super::xmltree::{XDocument, XElement, XNode};

pub use super::compare::Signature;

/// The smallest disagreeing document found.
#[derive(Debug, Clone)]
pub struct Shrunk {
    /// The document.
    pub document: Vec<u8>,
    /// The reference's outcome for it.
    pub expected: Result<String, Rejection>,
    /// What the implementation did with it.
    pub observed: Observed,
    /// The comparison.
    pub judgement: Judgement,
    /// Implementation runs spent.
    pub steps: usize,
    /// Whether the step or time bound stopped the search.
    pub exhausted: bool,
}

struct Tester<'a> {
    case: &'a Case,
    target: &'a Signature,
    implementation: &'a mut dyn Implementation,
    comparison: Comparison,
    steps: usize,
    limits: ShrinkLimits,
    started: Instant,
    tried: HashSet<u64>,
    cancel: &'a AtomicBool,
    best: Option<Shrunk>,
    exhausted: bool,
}

impl Tester<'_> {
    fn has_budget(&mut self) -> bool {
        if self.steps >= self.limits.steps
            || self.started.elapsed() >= self.limits.time
            || self.cancel.load(Ordering::Relaxed)
        {
            self.exhausted = true;
        }
        !self.exhausted
    }

    /// Whether `document` disagrees the same way (and is smaller than the best so far,
    /// unless `allow_equal`).
    fn test(&mut self, document: &[u8]) -> bool {
        if !self.has_budget() || !self.tried.insert(fnv1a(document)) {
            return false;
        }
        self.steps += 1;
        let candidate = self.case.with_document(document.to_vec());
        let expected = candidate.expectation();
        let observed = self.implementation.run(&candidate);
        let judgement = judge(&expected, &observed, self.comparison, candidate.profile);
        if judgement.signature() != *self.target {
            return false;
        }
        self.best = Some(Shrunk {
            document: document.to_vec(),
            expected,
            observed,
            judgement,
            steps: self.steps,
            exhausted: false,
        });
        true
    }
}

/// Shrinks `case`, which disagrees with `target` signature, re-running `implementation`.
/// Returns `None` when the original document does not disagree the same way again (a
/// flaky implementation).
pub fn shrink(
    case: &Case,
    target: &Signature,
    implementation: &mut dyn Implementation,
    comparison: Comparison,
    limits: ShrinkLimits,
    cancel: &AtomicBool,
) -> Option<Shrunk> {
    let mut tester = Tester {
        case,
        target,
        implementation,
        comparison,
        steps: 0,
        limits,
        started: Instant::now(),
        tried: HashSet::new(),
        cancel,
        best: None,
        exhausted: false,
    };
    // The original must still disagree the same way; everything else builds on it.
    if !tester.test(&case.document) {
        return None;
    }
    let tree = XDocument::parse(&case.document)
        .filter(|doc| tester.test(&doc.to_bytes()) || doc.to_bytes() == case.document);
    match tree {
        Some(doc) => shrink_tree(doc, &mut tester),
        None => shrink_text(case.document.clone(), &mut tester),
    }
    let exhausted = tester.exhausted;
    let steps = tester.steps;
    tester.best.map(|mut best| {
        best.steps = steps;
        best.exhausted = exhausted;
        best
    })
}

/// Preorder paths (child indexes from the root) of every node below the root.
fn node_paths(e: &XElement, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, child) in e.children.iter().enumerate() {
        prefix.push(i);
        out.push(prefix.clone());
        if let XNode::Element(c) = child {
            node_paths(c, prefix, out);
        }
        prefix.pop();
    }
}

fn element_paths(e: &XElement, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(prefix.clone());
    for (i, child) in e.children.iter().enumerate() {
        if let XNode::Element(c) = child {
            prefix.push(i);
            element_paths(c, prefix, out);
            prefix.pop();
        }
    }
}

fn element_at<'a>(root: &'a mut XElement, path: &[usize]) -> Option<&'a mut XElement> {
    let mut e = root;
    for &i in path {
        match e.children.get_mut(i) {
            Some(XNode::Element(c)) => e = c,
            _ => return None,
        }
    }
    Some(e)
}

/// Simpler values to try instead of `value`: empty, its first half, one character.
fn simpler_values(value: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut push = |v: Vec<u8>| {
        if v.len() < value.len() && !out.contains(&v) {
            out.push(v);
        }
    };
    push(Vec::new());
    // Cut at a character boundary (and never inside an `&...;` reference, roughly).
    let cut = |n: usize| {
        let mut n = n.min(value.len());
        while n > 0 && n < value.len() && (value[n] & 0xC0) == 0x80 {
            n -= 1;
        }
        value[..n].to_vec()
    };
    push(cut(1));
    push(cut(value.len() / 2));
    push(cut(value.len().saturating_sub(1)));
    out
}

fn shrink_tree(mut doc: XDocument, tester: &mut Tester<'_>) {
    loop {
        let mut progress = false;
        // Prolog and epilog items.
        for side in 0..2 {
            let mut i = 0;
            loop {
                let list = if side == 0 { &doc.prolog } else { &doc.epilog };
                if i >= list.len() || !tester.has_budget() {
                    break;
                }
                let mut candidate = doc.clone();
                if side == 0 {
                    candidate.prolog.remove(i);
                } else {
                    candidate.epilog.remove(i);
                }
                if tester.test(&candidate.to_bytes()) {
                    doc = candidate;
                    progress = true;
                } else {
                    i += 1;
                }
            }
        }
        // Runs of siblings: halves, quarters, ... of an element's children at once, so
        // that a document of many disks loses most of them in a few steps.
        let mut paths = Vec::new();
        element_paths(&doc.root, &mut Vec::new(), &mut paths);
        for path in &paths {
            let mut size = element_at(&mut doc.root, path).map_or(0, |e| e.children.len()) / 2;
            while size >= 2 && tester.has_budget() {
                let mut i = 0;
                loop {
                    let count = element_at(&mut doc.root, path).map_or(0, |e| e.children.len());
                    if i >= count || !tester.has_budget() {
                        break;
                    }
                    let end = (i + size).min(count);
                    let mut candidate = doc.clone();
                    if let Some(e) = element_at(&mut candidate.root, path) {
                        e.children.drain(i..end);
                    }
                    if tester.test(&candidate.to_bytes()) {
                        doc = candidate;
                        progress = true;
                    } else {
                        i = end;
                    }
                }
                size /= 2;
            }
        }
        // Whole nodes, largest first (preorder).
        let mut cursor = 0;
        loop {
            let mut paths = Vec::new();
            node_paths(&doc.root, &mut Vec::new(), &mut paths);
            if cursor >= paths.len() || !tester.has_budget() {
                break;
            }
            let path = &paths[cursor];
            let mut candidate = doc.clone();
            let (last, parent) = path.split_last().unwrap_or((&0, &[]));
            if let Some(parent) = element_at(&mut candidate.root, parent) {
                parent.children.remove(*last);
            }
            if tester.test(&candidate.to_bytes()) {
                doc = candidate;
                progress = true;
            } else {
                cursor += 1;
            }
        }
        // Attributes, then their values, then text.
        let mut paths = Vec::new();
        element_paths(&doc.root, &mut Vec::new(), &mut paths);
        for path in &paths {
            let mut a = 0;
            loop {
                let count = element_at(&mut doc.root, path).map_or(0, |e| e.attributes.len());
                if a >= count || !tester.has_budget() {
                    break;
                }
                let mut candidate = doc.clone();
                if let Some(e) = element_at(&mut candidate.root, path) {
                    e.attributes.remove(a);
                }
                if tester.test(&candidate.to_bytes()) {
                    doc = candidate;
                    progress = true;
                    continue;
                }
                // The attribute stays: try simpler values.
                'values: loop {
                    let value = element_at(&mut doc.root, path)
                        .and_then(|e| e.attributes.get(a).map(|x| x.1.clone()))
                        .unwrap_or_default();
                    for simpler in simpler_values(&value) {
                        if !tester.has_budget() {
                            break 'values;
                        }
                        let mut candidate = doc.clone();
                        if let Some(e) = element_at(&mut candidate.root, path) {
                            e.attributes[a].1 = simpler;
                        }
                        if tester.test(&candidate.to_bytes()) {
                            doc = candidate;
                            progress = true;
                            continue 'values;
                        }
                    }
                    break;
                }
                a += 1;
            }
            let children = element_at(&mut doc.root, path).map_or(0, |e| e.children.len());
            for c in 0..children {
                'text: while let Some(XNode::Text(text) | XNode::CData(text)) =
                    element_at(&mut doc.root, path).and_then(|e| e.children.get(c).cloned())
                {
                    for simpler in simpler_values(&text).into_iter().filter(|v| !v.is_empty()) {
                        if !tester.has_budget() {
                            break 'text;
                        }
                        let mut candidate = doc.clone();
                        if let Some(e) = element_at(&mut candidate.root, path) {
                            if let XNode::Text(t) | XNode::CData(t) = &mut e.children[c] {
                                *t = simpler;
                            }
                        }
                        if tester.test(&candidate.to_bytes()) {
                            doc = candidate;
                            progress = true;
                            continue 'text;
                        }
                    }
                    break;
                }
            }
        }
        if !progress || !tester.has_budget() {
            break;
        }
    }
    // Indented, if it still disagrees that way: one element a line reads best, unless the
    // indentation is most of the document (a deep nesting would grow quadratically).
    let plain = doc.to_bytes();
    let pretty = doc.to_pretty_bytes();
    if (pretty.len() > 4 * plain.len() + 256 || !tester.test(&pretty))
        && tester.best.as_ref().is_some_and(|b| b.document != plain)
    {
        tester.test(&plain);
    }
}

fn shrink_text(document: Vec<u8>, tester: &mut Tester<'_>) {
    let lines: Vec<Vec<u8>> = document
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let lines = remove_chunks(lines, tester);
    let bytes: Vec<Vec<u8>> = lines.concat().into_iter().map(|b| vec![b]).collect();
    remove_chunks(bytes, tester);
}

/// Removes chunks of `units` (halves, quarters, ... single units) while the rest still
/// disagrees the same way.
fn remove_chunks(mut units: Vec<Vec<u8>>, tester: &mut Tester<'_>) -> Vec<Vec<u8>> {
    let mut size = (units.len() / 2).max(1);
    loop {
        let mut i = 0;
        while i < units.len() && tester.has_budget() {
            let end = (i + size).min(units.len());
            let candidate: Vec<u8> = units[..i]
                .iter()
                .chain(&units[end..])
                .flatten()
                .copied()
                .collect();
            if tester.test(&candidate) {
                units.drain(i..end);
            } else {
                i += size;
            }
        }
        if size == 1 || !tester.has_budget() {
            return units;
        }
        size /= 2;
    }
}

/// The number of lines of a document (a last line without a newline counts).
pub fn line_count(document: &[u8]) -> usize {
    let newlines = document.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(!document.is_empty() && !document.ends_with(b"\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Mode, Profile};

    /// The reference, except that it drops every `exportbitmap` attribute from its output.
    struct DropsExportbitmap {
        runs: usize,
    }

    impl Implementation for DropsExportbitmap {
        fn run(&mut self, case: &Case) -> Observed {
            self.runs += 1;
            match case.expectation() {
                Ok(output) => Observed::Accepted {
                    output: output.replace(" exportbitmap='b'", ""),
                },
                Err(r) => Observed::Rejected {
                    message: r.message,
                    code: None,
                    stage: None,
                },
            }
        }
    }

    #[test]
    fn many_siblings_go_in_few_steps() {
        let mut document =
            String::from("<domainbackup mode='pull'>\n  <server name='h'/>\n  <disks>\n");
        for i in 0..300 {
            let bitmap = if i == 211 { " exportbitmap='b'" } else { "" };
            document.push_str(&format!("    <disk name='vd{i}' type='file'{bitmap}/>\n"));
        }
        document.push_str("  </disks>\n</domainbackup>\n");
        let case = Case {
            id: "many".into(),
            rule: "many".into(),
            source: "test".into(),
            profile: Profile::V11_3,
            mode: Mode::Parse,
            document: document.into_bytes(),
        };
        let mut implementation = DropsExportbitmap { runs: 0 };
        let target = Signature {
            outcome: crate::conform::compare::Outcome::WrongOutput,
            rule: None,
            path: Some("/domainbackup/disks/disk/@exportbitmap".to_string()),
            kind: Some("dropped"),
            refusal: None,
        };
        let limits = ShrinkLimits {
            steps: 400,
            ..ShrinkLimits::default()
        };
        let shrunk = shrink(
            &case,
            &target,
            &mut implementation,
            Comparison::default(),
            limits,
            &AtomicBool::new(false),
        )
        .expect("it disagrees");
        let text = String::from_utf8_lossy(&shrunk.document).into_owned();
        assert!(!shrunk.exhausted, "ran out of steps: {text}");
        assert!(shrunk.steps < 120, "{} steps", shrunk.steps);
        assert!(line_count(&shrunk.document) <= 6, "{text}");
        eprintln!("{} steps", shrunk.steps);
        assert!(text.contains("exportbitmap='b'"), "{text}");
    }

    /// Accepts every document, as a reader that does not limit nesting does.
    struct AcceptsAll;

    impl Implementation for AcceptsAll {
        fn run(&mut self, _case: &Case) -> Observed {
            Observed::Accepted {
                output: "<domainbackup mode='push'/>\n".into(),
            }
        }
    }

    #[test]
    fn deep_nesting_is_not_indented_into_a_larger_document() {
        let depth = 300;
        let document = format!(
            "<domainbackup>{}{}</domainbackup>",
            "<x>".repeat(depth),
            "</x>".repeat(depth)
        );
        let case = Case {
            id: "deep".into(),
            rule: "wf.limit".into(),
            source: "test".into(),
            profile: Profile::V11_3,
            mode: Mode::Parse,
            document: document.clone().into_bytes(),
        };
        let target = Signature {
            outcome: crate::conform::compare::Outcome::FalseAccept,
            rule: Some("wf.limit"),
            path: None,
            kind: None,
            refusal: None,
        };
        let shrunk = shrink(
            &case,
            &target,
            &mut AcceptsAll,
            Comparison::default(),
            ShrinkLimits::default(),
            &AtomicBool::new(false),
        )
        .expect("it disagrees");
        assert!(
            shrunk.document.len() <= document.len(),
            "{} bytes from {}",
            shrunk.document.len(),
            document.len()
        );
    }
}
