//! A port of libxml2 2.9's XML Schema regular-expression engine (`xmlregexp.c`:
//! `xmlRegexpCompile` and `xmlRegexpExec`), limited to the constructs the libvirt schemas'
//! patterns use: literal characters, character classes of ranges and single-character
//! escapes, `.`, groups, alternation and the quantifiers `?`, `*`, `+`, `{n}`, `{n,m}`,
//! `{n,}`.
//!
//! It is a port, not a regular-expression implementation: it builds the same automaton
//! (same states, transitions, counters, epsilon elimination and determinism marks) and runs
//! the same backtracking executor, so it accepts exactly what libxml2 accepts, including
//! where libxml2 deviates from XML Schema semantics (a counted character run such as
//! `[0-9A-Fa-f]{1,4}` followed by a second transition on overlapping characters leaves a
//! rollback point in the middle of the run, so libvirt's `ipv6Addr` accepts `12345::1`).
//!
//! The automaton's types and `xmlRegCheckCharacter` live here; `parser` builds the
//! automaton (`XsdRegex::compile`), `automaton` adds transitions, removes epsilon
//! transitions and marks non-determinism, and `exec` runs it (`XsdRegex::is_match`).

mod automaton;
mod exec;
mod parser;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum AtomKind {
    CharVal,
    Ranges,
    Subreg,
    AnyChar,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Quant {
    Once,
    Opt,
    Mult,
    Plus,
    Range,
}

#[derive(Clone, Copy, Debug)]
struct Range {
    /// 0 normal, 1 negated, 2 excluded (subtraction).
    neg: u8,
    /// `.` inside a class (type ANYCHAR) rather than a code point range.
    any: bool,
    start: u32,
    end: u32,
}

#[derive(Clone, Debug)]
struct Atom {
    kind: AtomKind,
    quant: Quant,
    min: i32,
    max: i32,
    codepoint: u32,
    ranges: Vec<Range>,
    start: usize,
    start0: usize,
    stop: usize,
}

impl Atom {
    fn new(kind: AtomKind) -> Atom {
        Atom {
            kind,
            quant: Quant::Once,
            min: 0,
            max: 0,
            codepoint: 0,
            ranges: Vec::new(),
            start: 0,
            start0: 0,
            stop: 0,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum StateType {
    Start,
    Final,
    Trans,
    Sink,
    Unreach,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mark {
    Normal,
    Start,
    Visited,
}

#[derive(Clone, Copy, Debug)]
struct Trans {
    atom: Option<usize>,
    to: i32,
    counter: i32,
    count: i32,
    nd: u8,
}

#[derive(Clone, Debug)]
struct State {
    ty: StateType,
    mark: Mark,
    reached: Mark,
    trans: Vec<Trans>,
    trans_to: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
struct Counter {
    min: i32,
    max: i32,
}

/// A compiled pattern.
#[derive(Debug)]
pub struct XsdRegex {
    states: Vec<Option<State>>,
    atoms: Vec<Atom>,
    counters: Vec<Counter>,
}

fn check_range(r: &Range, cp: u32) -> bool {
    // libxml2 adds an any-character range for a `.` its class-escape reader meets inside a
    // class, which its parser never hands it (a `.` in a class is read as a literal), so
    // this branch is libxml2's and never taken.
    if r.any {
        cp != '\n' as u32 && cp != '\r' as u32
    } else {
        cp >= r.start && cp <= r.end
    }
}

fn is_xml_char(cp: u32) -> bool {
    cp == 0x9
        || cp == 0xA
        || cp == 0xD
        || (0x20..=0xD7FF).contains(&cp)
        || (0xE000..=0xFFFD).contains(&cp)
        || (0x10000..=0x10FFFF).contains(&cp)
}

/// `xmlRegCheckCharacter`: 1, 0 or -1.
fn check_character(atom: &Atom, cp: u32) -> i32 {
    if !is_xml_char(cp) {
        return -1;
    }
    match atom.kind {
        // A group's atom is never on a transition (groups are made of epsilon transitions).
        AtomKind::Subreg => -1,
        AtomKind::CharVal => i32::from(cp == atom.codepoint),
        AtomKind::AnyChar => i32::from(cp != '\n' as u32 && cp != '\r' as u32),
        AtomKind::Ranges => {
            let mut accept = false;
            for r in &atom.ranges {
                let hit = check_range(r, cp);
                if r.neg == 2 {
                    if hit {
                        return 0;
                    }
                } else if r.neg != 0 {
                    if !hit {
                        accept = true;
                    } else {
                        return 0;
                    }
                } else if hit {
                    accept = true;
                }
            }
            i32::from(accept)
        }
    }
}
