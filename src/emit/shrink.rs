//! Shrinking on the intent: a disagreement is made smaller while it stays in its class, by
//! dropping fields, disks and list items and by making values simpler, each step put to
//! the emitter again. It works on the intent's JSON, so every field the format has is
//! shrunk without a list of them to keep up to date.

use serde_json::Value;

use super::intent::BackupIntent;

/// Every intent one step simpler than `intent`: a key removed, a list item removed, a
/// string shortened (to its first half, or emptied), largest steps first.
pub fn candidates(intent: &BackupIntent) -> Vec<BackupIntent> {
    let Ok(value) = serde_json::to_value(intent) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut paths = Vec::new();
    collect_paths(&value, &mut Vec::new(), &mut paths);
    // Whole subtrees first (shorter paths), then their parts.
    paths.sort_by_key(|p| p.len());
    for path in &paths {
        let mut removed = value.clone();
        if remove(&mut removed, path) {
            out.push(removed);
        }
    }
    for path in &paths {
        if let Some(Value::String(text)) = get(&value, path) {
            for simpler in simpler_strings(text) {
                let mut changed = value.clone();
                if let Some(slot) = get_mut(&mut changed, path) {
                    *slot = Value::String(simpler);
                    out.push(changed);
                }
            }
        }
    }
    out.into_iter()
        .filter_map(|v| serde_json::from_value::<BackupIntent>(v).ok())
        .filter(|candidate| candidate != intent)
        .collect()
}

/// Shorter spellings of `text`, as delta debugging takes them: each half left out, then
/// each quarter, and so on down to each single character (for values of at most
/// [`CHARACTER_STEPS`] characters), so that what matters in a value (an `&`, a tab) is
/// what stays.
fn simpler_strings(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut chunk = chars.len().div_ceil(2);
    while chunk >= 1 && !chars.is_empty() {
        if chunk == 1 && chars.len() > CHARACTER_STEPS {
            break;
        }
        let mut start = 0;
        while start < chars.len() {
            let end = (start + chunk).min(chars.len());
            let shorter: String = chars[..start].iter().chain(&chars[end..]).collect();
            if !out.contains(&shorter) {
                out.push(shorter);
            }
            start = end;
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    out
}

/// The longest value shrunk one character at a time.
pub const CHARACTER_STEPS: usize = 64;

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn collect_paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(Step::Key(key.clone()));
                out.push(at.clone());
                collect_paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(Step::Index(i));
                out.push(at.clone());
                collect_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(*i),
    })
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k),
        Step::Index(i) => v.get_mut(*i),
    })
}

fn remove(value: &mut Value, path: &[Step]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    match (get_mut(value, parent), last) {
        (Some(Value::Object(map)), Step::Key(k)) => map.remove(k).is_some(),
        (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
            items.remove(*i);
            true
        }
        _ => false,
    }
}

/// What a shrinking step's test says of a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trial {
    /// It keeps the class: shrinking goes on from it.
    Keeps,
    /// It was tried and does not.
    Loses,
    /// It was not worth trying (libvirt reads it otherwise than the original): it costs
    /// nothing of the budget.
    Skipped,
}

/// The smallest intent reached from `intent` by [`candidates`] steps that `test` says keep
/// the class, with at most `budget` candidates tried (skipped ones aside); and how many
/// were.
pub fn shrink(
    intent: &BackupIntent,
    budget: usize,
    mut test: impl FnMut(&BackupIntent) -> Trial,
) -> (BackupIntent, usize) {
    let mut current = intent.clone();
    let mut tried = 0;
    'outer: while tried < budget {
        for candidate in candidates(&current) {
            if tried >= budget {
                break 'outer;
            }
            match test(&candidate) {
                Trial::Skipped => {}
                Trial::Loses => tried += 1,
                Trial::Keeps => {
                    tried += 1;
                    current = candidate;
                    continue 'outer;
                }
            }
        }
        break;
    }
    (current, tried)
}

/// How big an intent is, for saying how much shrinking took away: its fields and list
/// items, counted.
pub fn size(intent: &BackupIntent) -> usize {
    let Ok(value) = serde_json::to_value(intent) else {
        return 0;
    };
    let mut paths = Vec::new();
    collect_paths(&value, &mut Vec::new(), &mut paths);
    paths.len()
}
