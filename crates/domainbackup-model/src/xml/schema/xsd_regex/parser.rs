//! `xmlRegexpCompile`: the recursive-descent parser of `xmlregexp.c` (`xmlFAParseRegExp`
//! and the functions under it), which builds the automaton while it parses, followed by the
//! epsilon elimination and determinism passes of `automaton`.
//!
//! It must build exactly the states and transitions libxml2 builds, in the same order
//! (`xmlFAGenerateTransitions`): the executor tries transitions in that order, so a tidier
//! automaton would accept different strings.

use super::automaton::{add_trans, compute_determinism, eliminate_epsilon};
use super::{Atom, AtomKind, Counter, Mark, Quant, Range, State, StateType, XsdRegex};

const INT_MAX: i32 = i32::MAX;

struct Parser<'a> {
    s: &'a [char],
    cur: usize,
    error: Option<&'static str>,
    neg: u8,
    state: usize,
    states: Vec<Option<State>>,
    /// Atoms owned by the automaton (pushed); `atom` is the one being parsed.
    atoms: Vec<Atom>,
    atom: Option<Atom>,
    counters: Vec<Counter>,
    /// Groups open around the one being parsed (libxml2 refuses a 51st).
    depth: usize,
}

impl<'a> Parser<'a> {
    fn cur(&self) -> char {
        self.s.get(self.cur).copied().unwrap_or('\0')
    }
    fn nxt(&self, i: usize) -> char {
        self.s.get(self.cur + i).copied().unwrap_or('\0')
    }
    fn prev(&self) -> char {
        self.s[self.cur - 1]
    }
    fn next(&mut self) {
        self.cur += 1;
    }
    fn err(&mut self, msg: &'static str) {
        if self.error.is_none() {
            self.error = Some(msg);
        }
    }

    fn new_state(&mut self) -> usize {
        self.states.push(Some(State {
            ty: StateType::Trans,
            mark: Mark::Normal,
            reached: Mark::Normal,
            trans: Vec::new(),
            trans_to: Vec::new(),
        }));
        self.states.len() - 1
    }

    fn st(&mut self, i: usize) -> &mut State {
        self.states[i].as_mut().expect("live state")
    }

    fn push_atom(&mut self, atom: Atom) -> usize {
        self.atoms.push(atom);
        self.atoms.len() - 1
    }

    /// `xmlRegGetCounter`, with the bounds its one caller sets at once.
    fn get_counter(&mut self, min: i32, max: i32) -> i32 {
        self.counters.push(Counter { min, max });
        (self.counters.len() - 1) as i32
    }

    /// `xmlRegStateAddTrans`.
    fn add_trans(
        &mut self,
        state: usize,
        atom: Option<usize>,
        target: usize,
        counter: i32,
        count: i32,
    ) {
        add_trans(&mut self.states, state, atom, target, counter, count);
    }

    fn epsilon(&mut self, from: usize, to: Option<usize>) {
        let to = match to {
            Some(t) => t,
            None => {
                let t = self.new_state();
                self.state = t;
                t
            }
        };
        self.add_trans(from, None, to, -1, -1);
    }

    fn counted_epsilon(&mut self, from: usize, to: usize, counter: i32) {
        self.add_trans(from, None, to, counter, -1);
    }

    fn counted_transition(&mut self, from: usize, to: usize, counter: i32) {
        self.add_trans(from, None, to, -1, counter);
    }

    /// `xmlFAGenerateTransitions`.
    fn generate_transitions(&mut self, from: usize, to: Option<usize>, mut atom: Atom) {
        if atom.kind == AtomKind::Subreg {
            let quant = atom.quant;
            let (start, start0, stop) = (atom.start, atom.start0, atom.stop);
            let (min, max) = (atom.min, atom.max);
            atom.min = 0;
            atom.max = 0;
            atom.quant = Quant::Once;
            self.push_atom(atom);
            // (libxml2's branch that would give a quantified group with no target a new
            // end state is compiled out, `#ifdef DV`.)
            if let Some(t) = to.filter(|&t| stop != t && quant != Quant::Range) {
                self.epsilon(stop, Some(t));
            }
            match quant {
                Quant::Opt => {
                    if to.is_none() {
                        self.epsilon(start, None);
                        let s = self.state;
                        self.epsilon(stop, Some(s));
                    } else {
                        self.epsilon(start, to);
                    }
                }
                Quant::Mult => {
                    self.epsilon(start, Some(stop));
                    self.epsilon(stop, Some(start));
                }
                Quant::Plus => {
                    self.epsilon(stop, Some(start));
                }
                Quant::Range => {
                    let newstate = match to {
                        Some(t) => t,
                        None => self.new_state(),
                    };
                    // atom->start0 is always set for a parenthesised group.
                    let counter = self.get_counter(min - 1, max - 1);
                    // The way out first, then the way round: the executor tries them in
                    // this order.
                    self.counted_transition(stop, newstate, counter);
                    self.counted_epsilon(stop, start, counter);
                    if min == 0 {
                        self.epsilon(start0, Some(newstate));
                    }
                    self.state = newstate;
                }
                Quant::Once => {}
            }
            return;
        }
        if atom.min == 0 && atom.max == 0 && atom.quant == Quant::Range {
            let to = match to {
                Some(t) => t,
                None => self.new_state(),
            };
            self.epsilon(from, Some(to));
            self.state = to;
            return;
        }
        let mut to = match to {
            Some(t) => t,
            None => self.new_state(),
        };
        let end = to;
        if atom.quant == Quant::Mult || atom.quant == Quant::Plus {
            let tmp = self.new_state();
            self.epsilon(tmp, Some(to));
            to = tmp;
        }
        // `x{0,n}` is `x{1,n}` that may be skipped (`x?` when n is 1).
        let nullable = atom.quant == Quant::Range && atom.min == 0 && atom.max > 0;
        if nullable {
            atom.min = 1;
            if atom.max == 1 {
                atom.quant = Quant::Opt;
            }
        }
        let quant = atom.quant;
        if matches!(quant, Quant::Opt | Quant::Mult | Quant::Plus) {
            atom.quant = Quant::Once;
        }
        let a = self.push_atom(atom);
        self.add_trans(from, Some(a), to, -1, -1);
        self.state = end;
        match quant {
            Quant::Opt => self.epsilon(from, Some(to)),
            Quant::Mult => {
                self.epsilon(from, Some(to));
                self.add_trans(to, Some(a), to, -1, -1);
            }
            Quant::Plus => self.add_trans(to, Some(a), to, -1, -1),
            Quant::Range if nullable => self.epsilon(from, Some(to)),
            _ => {}
        }
    }

    fn is_char(&self) -> Option<char> {
        let c = self.cur();
        if matches!(
            c,
            '.' | '\\' | '?' | '*' | '+' | '(' | ')' | '|' | '[' | ']' | '\0'
        ) {
            None
        } else {
            Some(c)
        }
    }

    fn add_range(&mut self, neg: u8, any: bool, start: u32, end: u32) {
        match self.atom.as_mut() {
            Some(a) if a.kind == AtomKind::Ranges => a.ranges.push(Range {
                neg,
                any,
                start,
                end,
            }),
            Some(_) => self.err("add range: atom is not ranges"),
            None => self.err("add range: atom is NULL"),
        }
    }

    /// `xmlFAParseCharClassEsc`, for `.` and the single-character escapes.
    fn parse_char_class_esc(&mut self) {
        if self.cur() == '.' {
            if self.atom.is_none() {
                self.atom = Some(Atom::new(AtomKind::AnyChar));
            } else if self
                .atom
                .as_ref()
                .is_some_and(|a| a.kind == AtomKind::Ranges)
            {
                let neg = self.neg;
                self.add_range(neg, true, 0, 0);
            }
            self.next();
            return;
        }
        if self.cur() != '\\' {
            self.err("Escaped sequence: expecting \\");
            return;
        }
        self.next();
        let c = self.cur();
        if matches!(
            c,
            'n' | 'r'
                | 't'
                | '\\'
                | '|'
                | '.'
                | '?'
                | '*'
                | '+'
                | '('
                | ')'
                | '{'
                | '}'
                | '-'
                | '['
                | ']'
                | '^'
        ) {
            let cp = match c {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                other => other,
            } as u32;
            if self.atom.is_none() {
                let mut a = Atom::new(AtomKind::CharVal);
                a.codepoint = cp;
                self.atom = Some(a);
            } else if self
                .atom
                .as_ref()
                .is_some_and(|a| a.kind == AtomKind::Ranges)
            {
                let neg = self.neg;
                self.add_range(neg, false, cp, cp);
            }
            self.next();
        } else {
            self.err("unsupported escape");
        }
    }

    /// `xmlFAParseCharRange`.
    fn parse_char_range(&mut self) {
        if self.cur() == '\0' {
            self.err("Expecting ']'");
            return;
        }
        let c = self.cur();
        // (libxml2 reads an escape here too, which it never meets: its caller hands a `\\`
        // to the class-escape reader instead.)
        if c == '[' || c == ']' {
            self.err("Expecting a char range");
            return;
        }
        let start = c as u32;
        let mut end = start;
        if start == '-' as u32 && self.nxt(1) != ']' && self.prev() != '[' && self.prev() != '^' {
            self.next();
            return;
        }
        self.next();
        let c = self.cur();
        // `a-[b]` is `a`, then a subtraction (libxml2 2.9.14 reads it so).
        if c != '-' || self.nxt(1) == '[' || self.nxt(1) == ']' {
            let neg = self.neg;
            self.add_range(neg, false, start, end);
            return;
        }
        self.next();
        let c = self.cur();
        if c == '\\' {
            self.next();
            let c = self.cur();
            end = match c {
                'n' => 0xA,
                'r' => 0xD,
                't' => 0x9,
                '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')' | '['
                | ']' => c as u32,
                _ => {
                    self.err("Invalid escape value");
                    return;
                }
            };
        } else if c != '[' && c != ']' {
            end = c as u32;
        } else {
            self.err("Expecting the end of a char range");
            return;
        }
        self.next();
        if end < start {
            self.err("End of range is before start of range");
        } else {
            let neg = self.neg;
            self.add_range(neg, false, start, end);
        }
    }

    fn parse_pos_char_group(&mut self) {
        loop {
            if self.cur() == '\\' {
                self.parse_char_class_esc();
            } else {
                self.parse_char_range();
            }
            let c = self.cur();
            if c == ']' || c == '^' || c == '-' || c == '\0' || self.error.is_some() {
                break;
            }
        }
    }

    /// `xmlFAParseCharGroup` (libxml2 2.9.14): a `^` negates only at the start of a group;
    /// elsewhere it is a character.
    fn parse_char_group(&mut self) {
        let n = self.neg;
        if self.cur() == '^' {
            self.next();
            self.neg = u8::from(self.neg == 0);
            self.parse_pos_char_group();
            self.neg = n;
        }
        while self.cur() != ']' && self.error.is_none() {
            if self.cur() == '-' && self.nxt(1) == '[' {
                let neg = self.neg;
                self.neg = 2;
                self.next();
                self.next();
                self.parse_char_group();
                if self.cur() == ']' {
                    self.next();
                } else {
                    self.err("charClassExpr: ']' expected");
                    break;
                }
                self.neg = neg;
                break;
            } else if self.cur() != ']' {
                self.parse_pos_char_group();
            }
        }
        self.neg = n;
    }

    fn parse_char_class(&mut self) {
        if self.cur() == '[' {
            self.next();
            self.atom = Some(Atom::new(AtomKind::Ranges));
            self.parse_char_group();
            if self.cur() == ']' {
                self.next();
            } else {
                self.err("xmlFAParseCharClass: ']' expected");
            }
        } else {
            self.parse_char_class_esc();
        }
    }

    fn parse_quant_exact(&mut self) -> i32 {
        let mut ret: Option<i32> = Some(0);
        let mut ok = false;
        while self.cur().is_ascii_digit() {
            let digit = self.cur() as i32 - '0' as i32;
            // A count past `INT_MAX` is refused, as libxml2 2.9.14 refuses it.
            ret = ret
                .and_then(|r| r.checked_mul(10))
                .and_then(|r| r.checked_add(digit));
            ok = true;
            self.next();
        }
        match ret {
            Some(n) if ok => n,
            _ => -1,
        }
    }

    fn parse_quantifier(&mut self) -> bool {
        let c = self.cur();
        if c == '?' || c == '*' || c == '+' {
            if let Some(a) = self.atom.as_mut() {
                a.quant = match c {
                    '?' => Quant::Opt,
                    '*' => Quant::Mult,
                    _ => Quant::Plus,
                };
            }
            self.next();
            return true;
        }
        if c == '{' {
            let mut min = 0;
            let mut max = 0;
            self.next();
            let v = self.parse_quant_exact();
            if v >= 0 {
                min = v;
            } else {
                // `{,2}` and `{}` have no minimum: libxml2 2.9.14 refuses them.
                self.err("Improper quantifier");
            }
            if self.cur() == ',' {
                self.next();
                if self.cur() == '}' {
                    max = INT_MAX;
                } else {
                    let v = self.parse_quant_exact();
                    if v >= 0 {
                        max = v;
                    } else {
                        self.err("Improper quantifier");
                    }
                }
            }
            if self.cur() == '}' {
                self.next();
            } else {
                self.err("Unterminated quantifier");
            }
            if max == 0 {
                max = min;
            }
            if let Some(a) = self.atom.as_mut() {
                a.quant = Quant::Range;
                a.min = min;
                a.max = max;
            }
            return true;
        }
        false
    }

    fn parse_atom(&mut self) -> bool {
        if let Some(c) = self.is_char() {
            let mut a = Atom::new(AtomKind::CharVal);
            a.codepoint = c as u32;
            self.atom = Some(a);
            self.next();
            return true;
        }
        match self.cur() {
            '|' | '\0' | ')' => false,
            '(' => {
                self.next();
                if self.depth >= 50 {
                    self.err("xmlFAParseAtom: maximum nesting depth exceeded");
                    return true;
                }
                let s = self.state;
                self.epsilon(s, None);
                let start0 = self.state;
                self.epsilon(start0, None);
                let start = self.state;
                self.atom = None;
                self.depth += 1;
                self.parse_reg_exp(false);
                self.depth -= 1;
                if self.cur() == ')' {
                    self.next();
                } else {
                    self.err("xmlFAParseAtom: expecting ')'");
                }
                let mut a = Atom::new(AtomKind::Subreg);
                a.start = start;
                a.start0 = start0;
                a.stop = self.state;
                self.atom = Some(a);
                true
            }
            '[' | '\\' | '.' => {
                self.parse_char_class();
                true
            }
            _ => false,
        }
    }

    fn parse_piece(&mut self) -> bool {
        self.atom = None;
        if !self.parse_atom() {
            return false;
        }
        if self.atom.is_none() {
            self.err("internal: no atom generated");
        }
        self.parse_quantifier();
        true
    }

    /// `xmlFAParseBranch` (libxml2 2.9.14): an empty branch is an epsilon transition to
    /// `to`; a branch's last piece, before `|`, `)` or the end, goes to `to`.
    fn parse_branch(&mut self, to: Option<usize>) {
        let mut previous = self.state;
        let mut ret = self.parse_piece();
        if !ret {
            self.epsilon(previous, to);
        }
        while ret && self.error.is_none() {
            let target = if matches!(self.cur(), '|' | ')' | '\0') {
                to
            } else {
                None
            };
            if let Some(atom) = self.atom.take() {
                self.generate_transitions(previous, target, atom);
            }
            previous = self.state;
            ret = self.parse_piece();
        }
    }

    fn parse_reg_exp(&mut self, top: bool) {
        let start = self.state;
        self.parse_branch(None);
        if top {
            let s = self.state;
            self.st(s).ty = StateType::Final;
        }
        if self.cur() != '|' {
            return;
        }
        let end = self.state;
        while self.cur() == '|' && self.error.is_none() {
            self.next();
            self.state = start;
            self.parse_branch(Some(end));
        }
        if !top {
            self.state = end;
        }
    }
}

impl XsdRegex {
    /// `xmlRegexpCompile`.
    pub fn compile(pattern: &str) -> Result<XsdRegex, &'static str> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser {
            s: &chars,
            cur: 0,
            error: None,
            neg: 0,
            state: 0,
            states: Vec::new(),
            atoms: Vec::new(),
            atom: None,
            counters: Vec::new(),
            depth: 0,
        };
        let start = p.new_state();
        p.state = start;
        p.parse_reg_exp(true);
        if p.cur() != '\0' {
            p.err("xmlFAParseRegExp: extra characters");
        }
        if let Some(e) = p.error {
            return Err(e);
        }
        let end = p.state;
        p.st(start).ty = StateType::Start;
        p.st(end).ty = StateType::Final;
        let mut states = std::mem::take(&mut p.states);
        eliminate_epsilon(&mut states);
        let atoms = std::mem::take(&mut p.atoms);
        compute_determinism(&mut states, &atoms);
        Ok(XsdRegex {
            states,
            atoms,
            counters: p.counters,
        })
    }
}
