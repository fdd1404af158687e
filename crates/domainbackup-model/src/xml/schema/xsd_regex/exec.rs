//! `xmlRegexpExec`: libxml2's backtracking executor (`xmlFARegExec`) over a compiled
//! automaton, with its rollback stack, counters and push limit, and the per-thread buffers
//! that keep matching from allocating.
//!
//! It must not become a smarter matcher: the order in which it tries transitions and where it
//! saves rollback points are what make it accept exactly what libxml2 accepts (`12345::1`
//! for `ipv6Addr`, for one).

use super::{State, StateType, XsdRegex, check_character};

const MAX_PUSH: u32 = 10_000_000;

impl XsdRegex {
    /// `xmlRegexpExec(...) == 1`: whether libxml2 reports a match.
    pub fn is_match(&self, input: &str) -> bool {
        BUFFERS.with(|buffers| {
            let Ok(mut buffers) = buffers.try_borrow_mut() else {
                // Not reachable (no re-entrance); fall back to fresh buffers.
                return self.run(input, &mut Buffers::default());
            };
            let result = self.run(input, &mut buffers);
            // Keep the buffers for the next call, unless a pathological input grew them.
            if buffers.saved.capacity() > 1 << 16 {
                *buffers = Buffers::default();
            }
            result
        })
    }

    fn run(&self, input: &str, buffers: &mut Buffers) -> bool {
        let Buffers {
            counts,
            rollbacks,
            saved,
        } = buffers;
        counts.clear();
        counts.resize(self.counters.len(), 0);
        rollbacks.clear();
        saved.clear();
        let mut exec = Exec {
            comp: self,
            input: input.as_bytes(),
            index: 0,
            state: 0,
            transno: 0,
            transcount: 0,
            counts,
            rollbacks,
            saved,
            nb_push: 0,
            status: 0,
        };
        exec.run()
    }
}

/// Execution buffers, kept per thread so that matching does not allocate.
#[derive(Default)]
struct Buffers {
    counts: Vec<i32>,
    rollbacks: Vec<Rollback>,
    /// The counter values of every rollback point, `counts.len()` values each.
    saved: Vec<i32>,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::new(Buffers::default());
}

/// `xmlRegExecRollback`: where to resume (the counters are in `Buffers::saved`).
struct Rollback {
    state: usize,
    index: usize,
    nextbranch: usize,
}

struct Exec<'a> {
    comp: &'a XsdRegex,
    input: &'a [u8],
    index: usize,
    state: usize,
    transno: usize,
    transcount: i32,
    counts: &'a mut Vec<i32>,
    rollbacks: &'a mut Vec<Rollback>,
    saved: &'a mut Vec<i32>,
    nb_push: u32,
    status: i32,
}

/// `CUR_SCHAR`: the code point at `i` and its length in bytes (0 at the end of input).
fn cur_schar(input: &[u8], i: usize) -> (u32, usize) {
    let Some(&b) = input.get(i) else {
        return (0, 1);
    };
    let len = match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    let s = std::str::from_utf8(&input[i..(i + len).min(input.len())]).ok();
    (
        s.and_then(|s| s.chars().next())
            .map_or(0xFFFF_FFFF, |c| c as u32),
        len,
    )
}

impl Exec<'_> {
    fn state(&self) -> &State {
        self.comp.states[self.state].as_ref().expect("live state")
    }

    fn at_end(&self) -> bool {
        self.index >= self.input.len()
    }

    fn save(&mut self) {
        if self.nb_push > MAX_PUSH {
            return;
        }
        self.nb_push += 1;
        self.rollbacks.push(Rollback {
            state: self.state,
            index: self.index,
            nextbranch: self.transno.wrapping_add(1),
        });
        self.saved.extend_from_slice(self.counts);
    }

    fn rollback(&mut self) {
        match self.rollbacks.pop() {
            None => self.status = -1,
            Some(r) => {
                self.state = r.state;
                self.index = r.index;
                self.transno = r.nextbranch;
                let start = self.saved.len() - self.counts.len();
                self.counts.copy_from_slice(&self.saved[start..]);
                self.saved.truncate(start);
            }
        }
    }

    /// `xmlFARegExec`.
    fn run(&mut self) -> bool {
        let comp = self.comp;
        let has_counters = !comp.counters.is_empty();
        'outer: while self.status == 0 && (!self.at_end() || self.state().ty != StateType::Final) {
            let mut len: usize = 1;
            let mut do_rollback = false;
            if self.at_end() && !has_counters {
                if self.transno < self.state().trans.len() {
                    let t = self.state().trans[self.transno];
                    if t.to >= 0 {
                        // (Without counters every transition left has an atom.)
                        let nullable = t
                            .atom
                            .is_some_and(|a| comp.atoms[a].min == 0 && comp.atoms[a].max > 0);
                        if !nullable {
                            do_rollback = true;
                        }
                    }
                } else {
                    do_rollback = true;
                }
            }
            if !do_rollback {
                self.transcount = 0;
                while self.transno < self.state().trans.len() {
                    let trans = self.state().trans[self.transno];
                    if trans.to < 0 {
                        self.transno += 1;
                        continue;
                    }
                    let mut ret: i32 = 0;
                    let mut deter = true;
                    if trans.count >= 0 {
                        let count = self.counts[trans.count as usize];
                        let counter = comp.counters[trans.count as usize];
                        ret = i32::from(count >= counter.min && count <= counter.max);
                        if ret != 0 && counter.min != counter.max {
                            deter = false;
                        }
                    } else if let Some(ai) = trans.atom {
                        let atom = &comp.atoms[ai];
                        if !self.at_end() {
                            let (cp, l) = cur_schar(self.input, self.index);
                            len = l;
                            ret = check_character(atom, cp);
                            if ret == 1 && atom.min >= 0 && atom.max > 0 {
                                let to = trans.to as usize;
                                if trans.counter >= 0 {
                                    let counter = comp.counters[trans.counter as usize];
                                    if self.counts[trans.counter as usize] >= counter.max {
                                        self.transno += 1;
                                        continue;
                                    }
                                }
                                // Saved before the count goes up.
                                if self.state().trans.len() > self.transno + 1 {
                                    self.save();
                                }
                                if trans.counter >= 0 {
                                    self.counts[trans.counter as usize] += 1;
                                }
                                self.transcount = 1;
                                loop {
                                    if self.transcount == atom.max {
                                        break;
                                    }
                                    self.index += len;
                                    if self.at_end() {
                                        self.index -= len;
                                        break;
                                    }
                                    if self.transcount >= atom.min {
                                        let transno = self.transno;
                                        let state = self.state;
                                        self.transno = usize::MAX; // the "-1" trick
                                        self.state = to;
                                        self.save();
                                        self.transno = transno;
                                        self.state = state;
                                    }
                                    let (cp, l) = cur_schar(self.input, self.index);
                                    len = l;
                                    ret = check_character(atom, cp);
                                    self.transcount += 1;
                                    if ret != 1 {
                                        break;
                                    }
                                }
                                if self.transcount < atom.min {
                                    ret = 0;
                                }
                                if ret < 0 {
                                    ret = 0;
                                }
                                if ret == 0 {
                                    do_rollback = true;
                                    break;
                                }
                                if trans.counter >= 0 {
                                    self.counts[trans.counter as usize] -= 1;
                                }
                            } else if ret == 0 && atom.min == 0 && atom.max > 0 {
                                self.transcount = 1;
                                len = 0;
                                ret = 1;
                            }
                        } else if atom.min == 0 && atom.max > 0 {
                            self.transcount = 1;
                            len = 0;
                            ret = 1;
                        }
                    } else {
                        // "epsilon transition left at runtime"
                        self.status = -2;
                        break;
                    }
                    if ret == 1 {
                        if trans.nd == 1
                            || (trans.count >= 0
                                && !deter
                                && self.state().trans.len() > self.transno + 1)
                        {
                            self.save();
                        }
                        if trans.counter >= 0 {
                            let counter = comp.counters[trans.counter as usize];
                            if self.counts[trans.counter as usize] >= counter.max {
                                self.transno += 1;
                                continue;
                            }
                            self.counts[trans.counter as usize] += 1;
                        }
                        if trans.count >= 0 {
                            self.counts[trans.count as usize] = 0;
                        }
                        self.state = trans.to as usize;
                        self.transno = 0;
                        if trans.atom.is_some() {
                            self.index += len;
                        }
                        continue 'outer;
                    } else if ret < 0 {
                        self.status = -4;
                        break;
                    }
                    self.transno += 1;
                }
                if !do_rollback && self.transno == 0 && !self.state().trans.is_empty() {
                    continue;
                }
            }
            self.rollback();
        }
        self.status == 0
    }
}
