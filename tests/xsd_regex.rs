//! The port of libxml2's schema regular-expression engine against libxml2 itself: random
//! patterns of every construct the port has (literals, escapes, classes with ranges,
//! negation and subtraction, `.`, groups, alternation, every quantifier), each compiled by
//! both (`xmlRegexpCompile`: compiled or refused alike) and run by both on random inputs
//! (`xmlRegexpExec`: matched or not alike), inputs with characters XML does not allow
//! included.
//!
//! libxml2 is loaded at run time (`libxml2.so.2`, which libvirt depends on); where it is
//! missing the test says so and passes, except under CI (`CI` set), where it must be there.

use std::ffi::{CString, c_char, c_int, c_void};

use domainbackup_harness::xml::probe::{IPV6_PATTERN, xsd_regex_matches};

type Compile = unsafe extern "C" fn(*const u8) -> *mut c_void;
type Exec = unsafe extern "C" fn(*mut c_void, *const u8) -> c_int;
type Free = unsafe extern "C" fn(*mut c_void);
type ErrorHandler = unsafe extern "C" fn(*mut c_void, *const c_char);
type SetErrorHandler = unsafe extern "C" fn(*mut c_void, Option<ErrorHandler>);

/// Takes libxml2's error messages (a refused pattern is one) so that they are not printed.
/// libxml2 calls it with more arguments than it reads, which the C calling convention allows.
unsafe extern "C" fn quiet(_: *mut c_void, _: *const c_char) {}

pub struct Libxml2 {
    compile: Compile,
    exec: Exec,
    free: Free,
    _library: libloading::Library,
}

impl Libxml2 {
    pub fn load() -> Option<Libxml2> {
        // SAFETY: libxml2's initialisers have no preconditions; the symbols' types are
        // those of its headers (xmlregexp.h, xmlerror.h).
        unsafe {
            let library = libloading::Library::new("libxml2.so.2").ok()?;
            let compile = *library.get::<Compile>(b"xmlRegexpCompile\0").ok()?;
            let exec = *library.get::<Exec>(b"xmlRegexpExec\0").ok()?;
            let free = *library.get::<Free>(b"xmlRegFreeRegexp\0").ok()?;
            let set = *library
                .get::<SetErrorHandler>(b"xmlSetGenericErrorFunc\0")
                .ok()?;
            set(std::ptr::null_mut(), Some(quiet));
            Some(Libxml2 {
                compile,
                exec,
                free,
                _library: library,
            })
        }
    }

    /// `None`: the pattern is refused; else, per input, `xmlRegexpExec`'s answer: 1 it
    /// matches, 0 it does not, -1 the executor gave up (ten million rollback points).
    pub fn run(&self, pattern: &str, inputs: &[String]) -> Option<Vec<i32>> {
        let pattern = CString::new(pattern).ok()?;
        // SAFETY: NUL-terminated strings that outlive the calls; the compiled expression is
        // freed once, after its last use.
        unsafe {
            let regex = (self.compile)(pattern.as_ptr().cast());
            if regex.is_null() {
                return None;
            }
            let out = inputs
                .iter()
                .map(|input| {
                    let input = CString::new(input.as_str()).expect("no NUL in an input");
                    (self.exec)(regex, input.as_ptr().cast())
                })
                .collect();
            (self.free)(regex);
            Some(out)
        }
    }
}

/// A small deterministic generator (xorshift), so a failure is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The characters inputs are made of: those the patterns name, and others.
const ALPHABET: [&str; 16] = [
    "a",
    "b",
    "c",
    "1",
    "9",
    ":",
    ".",
    "-",
    "x",
    "\n",
    "\r",
    "\u{1}",
    "é",
    "€",
    "\u{FFFE}",
    "\u{10000}",
];

/// The character classes patterns are made of.
const CLASSES: [&str; 25] = [
    "[a-c]",
    "[^ab]",
    "[0-9A-Fa-f]",
    "[a-z-[bc]]",
    "[^a-[b]]",
    "[ab:]",
    "[.]",
    "[\\-a]",
    "[a\\-c]",
    "[1-9a]",
    "[^\\n]",
    "[b-a]",
    "[é-\u{10000}]",
    "[€-\u{FFFD}]",
    "[-a]",
    "[^-a]",
    "[a-]",
    "[-]",
    "[a-c-x]",
    "[a^b]",
    "[a-a]",
    "[\u{1}-\\n]",
    "[\u{1}-\\r]",
    "[\u{1}-\\t]",
    "[ -\\}]",
];

/// An atom, and whether it is a group.
fn atom(rng: &mut Rng, depth: usize) -> (String, bool) {
    // Groups hold no groups: nested repeated groups make libxml2's compiler take minutes.
    let s = match rng.below(if depth > 0 { 4 } else { 6 }) {
        0 => rng.pick(&["a", "b", "c", "1", ":", "x", "é", "€", "\u{10000}"]),
        1 => rng.pick(&[
            "\\.", "\\-", "\\n", "\\r", "\\t", "\\\\", "\\|", "\\^", "\\?",
        ]),
        2 => rng.pick(&CLASSES),
        3 => ".",
        _ => return (format!("({})", regex(rng, depth + 1)), true),
    };
    (s.to_string(), false)
}

fn quantified(rng: &mut Rng, depth: usize) -> String {
    let (atom, group) = atom(rng, depth);
    // Now and then one libxml2 refuses (no minimum, past INT_MAX, unterminated). Only an
    // atom outside groups repeats without bound: one inside a repeated group makes both
    // executors try millions of ways, slowly (the fixed patterns have a few).
    let quantifier = if rng.below(30) == 0 {
        rng.pick(&["{,2}", "{}", "{99999999999}", "{1", "{2,x}"])
    } else if group || depth > 0 {
        rng.pick(&[
            "", "", "", "?", "{0}", "{1}", "{2}", "{0,1}", "{1,3}", "{3,2}", "{01}", "{0,0}",
            "{0,2}",
        ])
    } else {
        rng.pick(&[
            "", "", "", "?", "*", "+", "{0}", "{1}", "{2}", "{0,1}", "{1,3}", "{2,}", "{0,}",
            "{3,2}", "{01}", "{0,0}", "{0,2}",
        ])
    };
    format!("{atom}{quantifier}")
}

fn regex(rng: &mut Rng, depth: usize) -> String {
    let branches = 1 + rng.below(if depth > 1 { 2 } else { 3 });
    (0..branches)
        .map(|_| {
            // Empty branches at the top only: empty groups repeated inside groups make
            // libxml2's epsilon elimination take minutes.
            let pieces = if depth > 0 {
                1 + rng.below(3)
            } else {
                rng.below(4)
            };
            (0..pieces)
                .map(|_| quantified(rng, depth))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn input(rng: &mut Rng) -> String {
    let len = rng.below(9);
    (0..len).map(|_| rng.pick(&ALPHABET)).collect()
}

#[test]
fn the_port_agrees_with_libxml2() {
    let Some(libxml2) = Libxml2::load() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "libxml2.so.2 cannot be loaded, and CI needs it (apt-get install libxml2)"
        );
        eprintln!("libxml2.so.2 cannot be loaded: the port is not compared with it");
        return;
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut compiled, mut refused, mut matched, mut runs, mut gave_up) = (0, 0, 0, 0, 0);
    // libvirt's ipv6Addr, the pattern the schema checker uses, comes first.
    let mut patterns = vec![
        IPV6_PATTERN.to_string(),
        "([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}".to_string(),
    ];
    patterns.extend((0..4000).map(|_| regex(&mut rng, 0)));
    // Unbounded groups, and a few nested ones.
    patterns.extend(
        [
            "(ab)*",
            "(a|b)+c",
            "(a?){2,}",
            "(a|)*b",
            "b(a{0,})*|",
            "(x|[ab]*.{0,})*|",
            "((a|b)c){1,2}d",
            "(a(b|c)?)+",
            "((a)|(b)){0,3}1",
        ]
        .map(String::from),
    );
    // Where the determinism pass decides: branches whose first atoms may both match a
    // character (a char, a class, a negated class, `.`), so that only a rollback point
    // saved at the first finds the second. libxml2 compares a class with a negated one by
    // overlap, then negates the answer: `[a-c]x|[^ab]y` saves none and misses `cy`, and
    // the port must miss it too.
    patterns.extend(
        [
            "[a-c]x|[^x]y",
            "[a-c]x|[^ab]y",
            "[a-c]x|[^\\n]y",
            "ax|[^b]y",
            "ax|.y",
            ".x|ay",
            "ax|ay",
            "[ab]x|[b-c]y",
            "[ab]x|[c-d]y",
            "(ax|[a-c]y)z",
            // The end of the input reached with a repeat that may match nothing left.
            "ab{0,2}",
            "a{0,2}",
            "ab{1,2}",
            "(a|b{0,3})c{0,1}",
        ]
        .map(String::from),
    );
    // Each class alone, so that every character of the alphabet is tried against it.
    patterns.extend(CLASSES.map(String::from));
    // The largest count there is, and one more.
    patterns.extend(["a{2147483647}", "(ab){2,2147483647}", "a{2147483648}"].map(String::from));
    // Groups nested 50 deep are read, 51 are refused.
    for depth in [49, 50, 51] {
        patterns.push(format!("{}a{}", "(".repeat(depth), ")".repeat(depth)));
    }
    for pattern in &patterns {
        let mut inputs: Vec<String> = (0..24).map(|_| input(&mut rng)).collect();
        inputs.extend(
            [
                "12345::1",
                "::1",
                "1:2:3:4:5:6:7:8",
                "abc",
                "",
                "a",
                "ay",
                "by",
                "cy",
                "ayz",
                "€",
            ]
            .map(String::from),
        );
        inputs.extend(ALPHABET.map(String::from));
        let expected = libxml2.run(pattern, &inputs);
        // Where libxml2 gives up, the port does too (no match), after as many steps: those
        // inputs are counted, not run again (ten million steps are slow in a debug build).
        let port: Result<Vec<Option<bool>>, &str> = inputs
            .iter()
            .zip(
                expected
                    .iter()
                    .flatten()
                    .map(Some)
                    .chain(std::iter::repeat(None)),
            )
            .map(|(input, want)| match want {
                Some(-1) => Ok(None),
                _ => xsd_regex_matches(pattern, input).map(Some),
            })
            .collect();
        match (&expected, &port) {
            (None, Err(_)) => refused += 1,
            (Some(want), Ok(got)) => {
                compiled += 1;
                for ((input, want), got) in inputs.iter().zip(want).zip(got) {
                    let Some(got) = got else {
                        gave_up += 1;
                        continue;
                    };
                    assert_eq!(
                        *got,
                        *want == 1,
                        "pattern {pattern:?} on {input:?}: libxml2 says {want}, the port {got}"
                    );
                    runs += 1;
                    matched += usize::from(*got);
                }
            }
            _ => panic!(
                "pattern {pattern:?}: libxml2 {}, the port {}",
                if expected.is_some() {
                    "compiles it"
                } else {
                    "refuses it"
                },
                match &port {
                    Ok(_) => "compiles it".to_string(),
                    Err(e) => format!("refuses it ({e})"),
                }
            ),
        }
    }
    eprintln!(
        "{compiled} patterns compiled, {refused} refused alike; {runs} runs, {matched} matched; \
         {gave_up} where libxml2 gave up"
    );
    assert!(gave_up < runs / 100, "{gave_up} of {runs} runs given up");
    // An input libxml2 gives up on although it matches: the one way through (24 times
    // `aa`) lies past its ten million rollback points. The port gives up there too.
    let (pattern, input) = ("(a|aa){24}c", format!("{}c", "a".repeat(48)));
    assert_eq!(
        libxml2.run(pattern, std::slice::from_ref(&input)),
        Some(vec![-1]),
        "libxml2 gives up on {pattern:?}"
    );
    assert_eq!(
        xsd_regex_matches(pattern, &input),
        Ok(false),
        "the port gives up on {pattern:?} as libxml2 does"
    );
    // The comparison is worth something only if both kinds happen often.
    assert!(
        refused > 100 && compiled > 2000,
        "{compiled} compiled, {refused} refused"
    );
    assert!(
        matched > 5000 && runs - matched > 5000,
        "{matched} of {runs} matched"
    );
}
