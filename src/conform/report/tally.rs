//! The figures of a run, counted as its results come: cases per profile, rule, class,
//! outcome and known-failure mark, and the reasons cases were skipped. Every count a
//! report shows (per outcome, per rule, per class, per matrix column) is read from here,
//! so a campaign of any size is counted without keeping its results.
//!
//! Plain counting: it renders nothing and touches no file.

use std::collections::{BTreeMap, HashMap};

use crate::conform::compare::Outcome;

use super::CaseResult;

/// The counts of a run's results.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    cases: usize,
    /// Profile → rule → the cells of that rule.
    cells: HashMap<String, HashMap<String, Vec<Cell>>>,
    /// A skipped case's reason → how many.
    skipped: HashMap<String, usize>,
}

/// Cases of one profile and rule with the same class, outcome and known-failure mark.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    class: String,
    outcome: Outcome,
    known: bool,
    count: usize,
}

/// One count of a [`Tally`]: the cases of one profile, rule, class (empty for cases that
/// agree or are skipped), outcome and known-failure mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count<'a> {
    /// The profile.
    pub profile: &'a str,
    /// The case rule.
    pub rule: &'a str,
    /// The disagreement's class.
    pub class: &'a str,
    /// The outcome.
    pub outcome: Outcome,
    /// Whether these are listed known failures.
    pub known: bool,
    /// How many cases.
    pub cases: usize,
}

impl Tally {
    /// The tally of `results`.
    pub fn of<'a>(results: impl IntoIterator<Item = &'a CaseResult>) -> Tally {
        let mut tally = Tally::default();
        for r in results {
            tally.add(r);
        }
        tally
    }

    /// Counts one more result.
    pub fn add(&mut self, r: &CaseResult) {
        self.cases += 1;
        let rules = match self.cells.get_mut(r.profile.as_str()) {
            Some(rules) => rules,
            None => self.cells.entry(r.profile.clone()).or_default(),
        };
        let cells = match rules.get_mut(r.rule.as_str()) {
            Some(cells) => cells,
            None => rules.entry(r.rule.clone()).or_default(),
        };
        let known = r.known.is_some();
        match cells
            .iter_mut()
            .find(|c| c.outcome == r.outcome && c.known == known && c.class == r.class)
        {
            Some(cell) => cell.count += 1,
            None => cells.push(Cell {
                class: r.class.clone(),
                outcome: r.outcome,
                known,
                count: 1,
            }),
        }
        if r.outcome == Outcome::Skipped {
            match self.skipped.get_mut(r.detail.as_str()) {
                Some(n) => *n += 1,
                None => {
                    self.skipped.insert(r.detail.clone(), 1);
                }
            }
        }
    }

    /// Adds another tally's counts.
    pub fn absorb(&mut self, other: &Tally) {
        self.cases += other.cases;
        for (profile, rules) in &other.cells {
            let mine = self.cells.entry(profile.clone()).or_default();
            for (rule, cells) in rules {
                let mine = mine.entry(rule.clone()).or_default();
                for cell in cells {
                    match mine.iter_mut().find(|c| {
                        c.outcome == cell.outcome && c.known == cell.known && c.class == cell.class
                    }) {
                        Some(c) => c.count += cell.count,
                        None => mine.push(cell.clone()),
                    }
                }
            }
        }
        for (reason, n) in &other.skipped {
            *self.skipped.entry(reason.clone()).or_insert(0) += n;
        }
    }

    /// Cases counted.
    pub fn cases(&self) -> usize {
        self.cases
    }

    /// Every count, sorted (by profile, rule, class, outcome, mark).
    pub fn counts(&self) -> Vec<Count<'_>> {
        let mut out: Vec<Count<'_>> = self
            .cells
            .iter()
            .flat_map(|(profile, rules)| {
                rules.iter().flat_map(move |(rule, cells)| {
                    cells.iter().map(move |c| Count {
                        profile,
                        rule,
                        class: &c.class,
                        outcome: c.outcome,
                        known: c.known,
                        cases: c.count,
                    })
                })
            })
            .collect();
        out.sort();
        out
    }

    /// Cases per outcome.
    pub fn per_outcome(&self) -> BTreeMap<Outcome, usize> {
        let mut out = BTreeMap::new();
        for c in self.counts() {
            *out.entry(c.outcome).or_insert(0) += c.cases;
        }
        out
    }

    /// Listed known failures per outcome.
    pub fn known_per_outcome(&self) -> BTreeMap<Outcome, usize> {
        let mut out = BTreeMap::new();
        for c in self.counts().into_iter().filter(|c| c.known) {
            *out.entry(c.outcome).or_insert(0) += c.cases;
        }
        out
    }

    /// Why cases were skipped: each reason with its count, the most common first (then by
    /// reason).
    pub fn skip_reasons(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> =
            self.skipped.iter().map(|(r, n)| (r.as_str(), *n)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        out
    }
}

impl PartialEq for Tally {
    fn eq(&self, other: &Tally) -> bool {
        self.cases == other.cases
            && self.counts() == other.counts()
            && self.skip_reasons() == other.skip_reasons()
    }
}

impl Eq for Tally {}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(
        profile: &str,
        rule: &str,
        outcome: Outcome,
        known: bool,
        detail: &str,
    ) -> CaseResult {
        CaseResult {
            implementation: "x".into(),
            id: format!("{rule}@{profile}"),
            rule: rule.into(),
            source: "s".into(),
            profile: profile.into(),
            mode: "parse".into(),
            outcome,
            expected: String::new(),
            observed: String::new(),
            detail: detail.into(),
            differences: Vec::new(),
            known: known.then(|| "listed".into()),
            class: if outcome.is_disagreement() {
                format!("{}: {rule}", outcome.name())
            } else {
                String::new()
            },
        }
    }

    #[test]
    fn counts_come_apart_by_every_field_and_add_up_in_any_order() {
        let results = [
            result("9.0", "a", Outcome::Agree, false, ""),
            result("9.0", "a", Outcome::Agree, false, ""),
            result("11.3", "a", Outcome::Agree, false, ""),
            result("9.0", "b", Outcome::FalseAccept, false, "x"),
            result("9.0", "b", Outcome::FalseAccept, true, "x"),
            result("9.0", "b", Outcome::Skipped, false, "not asked"),
            result("9.0", "c", Outcome::Skipped, false, "not asked"),
            result("9.0", "c", Outcome::Skipped, false, "too big"),
        ];
        let tally = Tally::of(&results);
        assert_eq!(tally.cases(), 8);
        let counts: Vec<(&str, &str, Outcome, bool, usize)> = tally
            .counts()
            .iter()
            .map(|c| (c.profile, c.rule, c.outcome, c.known, c.cases))
            .collect();
        assert_eq!(
            counts,
            [
                ("11.3", "a", Outcome::Agree, false, 1),
                ("9.0", "a", Outcome::Agree, false, 2),
                ("9.0", "b", Outcome::Skipped, false, 1),
                ("9.0", "b", Outcome::FalseAccept, false, 1),
                ("9.0", "b", Outcome::FalseAccept, true, 1),
                ("9.0", "c", Outcome::Skipped, false, 2),
            ]
        );
        assert_eq!(tally.per_outcome()[&Outcome::FalseAccept], 2);
        assert_eq!(tally.known_per_outcome()[&Outcome::FalseAccept], 1);
        assert_eq!(tally.skip_reasons(), [("not asked", 2), ("too big", 1)]);

        // In another order, or as two halves absorbed into one, the same tally.
        let mut reversed = results.clone();
        reversed.reverse();
        assert_eq!(Tally::of(&reversed), tally);
        let mut halves = Tally::of(&results[..3]);
        halves.absorb(&Tally::of(&results[3..]));
        assert_eq!(halves, tally);
        assert_ne!(Tally::of(&results[1..]), tally);
    }
}
