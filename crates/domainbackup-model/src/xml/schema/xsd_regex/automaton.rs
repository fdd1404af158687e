//! The passes `xmlRegexpCompile` runs over the automaton: adding a transition
//! (`xmlRegStateAddTrans`), epsilon elimination (`xmlFAEliminateEpsilonTransitions` and the
//! functions it calls) and `xmlFAComputesDeterminism`, which marks the transitions where the
//! executor saves rollback points.
//!
//! They must keep libxml2's results, not simplify the automaton further: which transitions
//! are marked non-deterministic decides what libxml2 accepts.

use super::{Atom, AtomKind, Mark, Range, State, StateType, Trans, check_character};

pub(super) fn add_trans(
    states: &mut [Option<State>],
    state: usize,
    atom: Option<usize>,
    target: usize,
    counter: i32,
    count: i32,
) {
    {
        let s = states[state].as_ref().expect("live state");
        for t in s.trans.iter().rev() {
            if t.atom == atom && t.to == target as i32 && t.counter == counter && t.count == count {
                return;
            }
        }
    }
    states[state]
        .as_mut()
        .expect("live state")
        .trans
        .push(Trans {
            atom,
            to: target as i32,
            counter,
            count,
            nd: 0,
        });
    states[target]
        .as_mut()
        .expect("live state")
        .trans_to
        .push(state);
}

/// `xmlFAReduceEpsilonTransitions`.
fn reduce_epsilon(states: &mut [Option<State>], fromnr: usize, tonr: usize, counter: i32) {
    // libxml2's guard: both are live states here (transitions into a removed state were
    // moved first).
    if states[fromnr].is_none() || states[tonr].is_none() {
        return;
    }
    {
        let to = states[tonr].as_mut().unwrap();
        if to.mark == Mark::Start || to.mark == Mark::Visited {
            return;
        }
        to.mark = Mark::Visited;
    }
    if states[tonr].as_ref().unwrap().ty == StateType::Final {
        states[fromnr].as_mut().unwrap().ty = StateType::Final;
    }
    let mut transnr = 0;
    while transnr < states[tonr].as_ref().unwrap().trans.len() {
        let t = states[tonr].as_ref().unwrap().trans[transnr];
        transnr += 1;
        // A removed transition (-1). No transition enters the start state, 0: every group
        // and loop begins at a state of its own.
        if t.to < 0 {
            continue;
        }
        match t.atom {
            None => {
                if t.to != fromnr as i32 {
                    if t.count >= 0 {
                        add_trans(states, fromnr, None, t.to as usize, -1, t.count);
                    } else if t.counter >= 0 {
                        reduce_epsilon(states, fromnr, t.to as usize, t.counter);
                    } else {
                        reduce_epsilon(states, fromnr, t.to as usize, counter);
                    }
                }
            }
            Some(a) => {
                let c = if t.counter >= 0 { t.counter } else { counter };
                add_trans(states, fromnr, Some(a), t.to as usize, c, -1);
            }
        }
    }
    states[tonr].as_mut().unwrap().mark = Mark::Normal;
}

/// `xmlFAEliminateSimpleEpsilonTransitions`.
fn eliminate_simple_epsilon(states: &mut [Option<State>]) {
    for statenr in 0..states.len() {
        let Some(state) = states[statenr].as_ref() else {
            continue;
        };
        // A final state keeps its transition: `x{0}|` ends where it starts, and its start
        // state, final, must stay (libxml2 2.9.14 skips final states here too).
        if state.trans.len() != 1 || matches!(state.ty, StateType::Unreach | StateType::Final) {
            continue;
        }
        let t0 = state.trans[0];
        // A counted epsilon never is a state's only transition (its counted exit leaves the
        // same state), so the counter test decides nothing libxml2's would not.
        if !(t0.atom.is_none()
            && t0.to >= 0
            && t0.to != statenr as i32
            && t0.counter < 0
            && t0.count < 0)
        {
            continue;
        }
        let newto = t0.to as usize;
        if state.ty == StateType::Start {
            continue;
        }
        let trans_to = state.trans_to.clone();
        for &tmpnr in &trans_to {
            let mut j = 0;
            while j < states[tmpnr].as_ref().map_or(0, |s| s.trans.len()) {
                let t = states[tmpnr].as_ref().unwrap().trans[j];
                if t.to == statenr as i32 {
                    states[tmpnr].as_mut().unwrap().trans[j].to = -1;
                    add_trans(states, tmpnr, t.atom, newto, t.counter, t.count);
                }
                j += 1;
            }
        }
        let s = states[statenr].as_mut().unwrap();
        s.trans.clear();
        s.ty = StateType::Unreach;
    }
}

/// `xmlFAEliminateEpsilonTransitions`.
pub(super) fn eliminate_epsilon(states: &mut [Option<State>]) {
    eliminate_simple_epsilon(states);
    for s in states.iter_mut() {
        if s.as_ref().is_some_and(|s| s.ty == StateType::Unreach) {
            *s = None;
        }
    }
    let mut has_epsilon = false;
    for statenr in (0..states.len()).rev() {
        let Some(state) = states[statenr].as_mut() else {
            continue;
        };
        if state.trans.is_empty() && state.ty != StateType::Final {
            state.ty = StateType::Sink;
        }
        let mut transnr = 0;
        while transnr < states[statenr].as_ref().unwrap().trans.len() {
            let t = states[statenr].as_ref().unwrap().trans[transnr];
            if t.atom.is_none() && t.to >= 0 {
                if t.to == statenr as i32 {
                    states[statenr].as_mut().unwrap().trans[transnr].to = -1;
                } else if t.count < 0 {
                    let newto = t.to as usize;
                    has_epsilon = true;
                    states[statenr].as_mut().unwrap().trans[transnr].to = -2;
                    states[statenr].as_mut().unwrap().mark = Mark::Start;
                    reduce_epsilon(states, statenr, newto, t.counter);
                    states[statenr].as_mut().unwrap().mark = Mark::Normal;
                }
            }
            transnr += 1;
        }
    }
    if has_epsilon {
        for s in states.iter_mut().flatten() {
            for t in s.trans.iter_mut() {
                if t.atom.is_none() && t.count < 0 && t.to >= 0 {
                    t.to = -1;
                }
            }
        }
    }
    // Unreachable states.
    for s in states.iter_mut().flatten() {
        s.reached = Mark::Normal;
    }
    let mut cur = if states[0].is_some() {
        Some(0usize)
    } else {
        None
    };
    if let Some(c) = cur {
        states[c].as_mut().unwrap().reached = Mark::Start;
    }
    while let Some(c) = cur {
        let mut target = None;
        states[c].as_mut().unwrap().reached = Mark::Visited;
        let trans = states[c].as_ref().unwrap().trans.clone();
        for t in trans {
            if t.to >= 0 && (t.atom.is_some() || t.count >= 0) {
                let newto = t.to as usize;
                let Some(ns) = states[newto].as_mut() else {
                    continue;
                };
                if ns.reached == Mark::Normal {
                    ns.reached = Mark::Start;
                    target = Some(newto);
                }
            }
        }
        if target.is_none() {
            for (i, s) in states.iter().enumerate().skip(1) {
                if s.as_ref().is_some_and(|s| s.reached == Mark::Start) {
                    target = Some(i);
                    break;
                }
            }
        }
        cur = target;
    }
    for s in states.iter_mut() {
        if s.as_ref().is_some_and(|s| s.reached == Mark::Normal) {
            *s = None;
        }
    }
}

/// `xmlFACompareRanges` for the range types this port supports.
fn compare_ranges(r1: &Range, r2: &Range) -> bool {
    let mut ret = if r1.any || r2.any {
        true
    } else {
        !(r1.end < r2.start || r2.end < r1.start)
    };
    if (r1.neg == 0) != (r2.neg == 0) {
        ret = !ret;
    }
    ret
}

/// `xmlFACompareAtoms` (deep): whether two atoms may match the same character.
fn compare_atoms(atoms: &[Atom], a1: usize, a2: usize) -> bool {
    if a1 == a2 {
        return true;
    }
    let (mut x, mut y) = (&atoms[a1], &atoms[a2]);
    if x.kind == AtomKind::AnyChar || y.kind == AtomKind::AnyChar {
        return true;
    }
    let order = |k: AtomKind| match k {
        AtomKind::CharVal => 2,
        AtomKind::Ranges => 3,
        AtomKind::Subreg => 4,
        AtomKind::AnyChar => 6,
    };
    if order(x.kind) > order(y.kind) {
        std::mem::swap(&mut x, &mut y);
    }
    match x.kind {
        AtomKind::CharVal => {
            if y.kind == AtomKind::CharVal {
                x.codepoint == y.codepoint
            } else {
                check_character(y, x.codepoint) != 0
            }
        }
        AtomKind::Ranges if y.kind == AtomKind::Ranges => x
            .ranges
            .iter()
            .any(|r1| y.ranges.iter().any(|r2| compare_ranges(r1, r2))),
        _ => true,
    }
}

/// `xmlFAEqualAtoms` (deep).
fn equal_atoms(atoms: &[Atom], a1: usize, a2: usize) -> bool {
    if a1 == a2 {
        return true;
    }
    let (x, y) = (&atoms[a1], &atoms[a2]);
    x.kind == AtomKind::CharVal && y.kind == AtomKind::CharVal && x.codepoint == y.codepoint
}

/// `xmlFAComputesDeterminism`: removes duplicate transitions and marks the
/// non-deterministic ones (`nd`), which decide where the executor saves rollback points.
pub(super) fn compute_determinism(states: &mut [Option<State>], atoms: &[Atom]) {
    for state in states.iter_mut().flatten() {
        if state.trans.len() < 2 {
            continue;
        }
        for transnr in 0..state.trans.len() {
            let t1 = state.trans[transnr];
            let Some(a1) = t1.atom else { continue };
            if t1.to == -1 {
                continue;
            }
            for i in 0..transnr {
                let t2 = state.trans[i];
                if t2.to == -1 {
                    continue;
                }
                let duplicate = t2.atom.is_some_and(|a2| {
                    t1.to == t2.to
                        && equal_atoms(atoms, a1, a2)
                        && t1.counter == t2.counter
                        && t1.count == t2.count
                });
                if duplicate {
                    state.trans[i].to = -1;
                }
            }
        }
    }
    for state in states.iter_mut().flatten() {
        if state.trans.len() < 2 {
            continue;
        }
        let mut last = None;
        for transnr in 0..state.trans.len() {
            let t1 = state.trans[transnr];
            let Some(a1) = t1.atom else { continue };
            if t1.to == -1 {
                continue;
            }
            for i in 0..transnr {
                let t2 = state.trans[i];
                if t2.to == -1 {
                    continue;
                }
                if let Some(a2) = t2.atom {
                    if compare_atoms(atoms, a1, a2) {
                        state.trans[transnr].nd = 1;
                        state.trans[i].nd = 1;
                        last = Some(transnr);
                    }
                }
                // A remaining epsilon-like (counted) transition t2 only leads to
                // xmlFARecurseDeterminism comparing against a NULL atom, which never
                // reports a conflict.
            }
        }
        if let Some(l) = last {
            state.trans[l].nd = 2;
        }
    }
}
