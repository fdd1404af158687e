//! The checks behind the fuzz targets (`fuzz/`), shared with `tests/fuzz_replay.rs` so that
//! every saved fuzz input is replayed by a plain `cargo test` through exactly the code that
//! judged it while fuzzing.
//!
//! * [`check_parse`]: arbitrary bytes through every [`Mode`] and [`Profile`]; what is
//!   accepted must read back to the same model and the same text (targets `parse`, `mutate`).
//! * [`check_roundtrip`]: the bytes drive the generator's strategies; the case must come out
//!   as the generator says (target `roundtrip`).
//! * [`check_libvirt`]: the reference against real libvirt (target `libvirt_diff`).
//! * [`mutate`]: the grammar-aware mutator of the `mutate` target.
//!
//! A check returns a [`Finding`] (a report people can read); it never panics on input: the
//! fuzz targets turn a finding into a crash, the replay test into a failure.
//!
//! Where libvirt itself cannot read its own output back, the round trip is not skipped:
//! [`readable_spelling`] writes the canonical text the way libvirt *would* read it back
//! (a character reference for a TAB, LF or CR, `state=''` for a disk whose state is none)
//! and everything else is still compared byte for byte.

use std::fmt;
use std::sync::OnceLock;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::generator::{self, ValidCase};
use crate::xml::tree::{Attribute, Element, Node, Text};
use crate::xml::{read, schema};
use crate::{Mode, Options, Profile, Rejection, Stage, parse, process};

/// A disagreement found by a check: what was checked, where, and both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The check (`parse`, `roundtrip`, `libvirt_diff`).
    pub check: &'static str,
    /// The profile it happened under, when it is about one.
    pub profile: Option<Profile>,
    /// The mode it happened in, when it is about one.
    pub mode: Option<Mode>,
    /// One line: what went wrong.
    pub summary: String,
    /// The evidence: both sides, the texts involved.
    pub detail: String,
    /// The document (for `roundtrip`, the generated one; otherwise the input).
    pub document: Vec<u8>,
}

impl Finding {
    fn new(
        check: &'static str,
        profile: Profile,
        mode: Mode,
        document: &[u8],
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) -> Finding {
        Finding {
            check,
            profile: Some(profile),
            mode: Some(mode),
            summary: summary.into(),
            detail: detail.into(),
            document: document.to_vec(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.check)?;
        if let Some(p) = self.profile {
            write!(f, ", profile {p}")?;
        }
        if let Some(m) = self.mode {
            write!(f, ", mode {m}")?;
        }
        writeln!(f, ": {}", self.summary)?;
        writeln!(f, "--- document ({} bytes)", self.document.len())?;
        writeln!(f, "{}", printable(&self.document))?;
        if !self.detail.is_empty() {
            writeln!(f, "--- details")?;
            writeln!(f, "{}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for Finding {}

/// The bytes as text a terminal shows safely: invalid UTF-8 and control characters other
/// than TAB and LF escaped, long inputs cut.
fn printable(bytes: &[u8]) -> String {
    const SHOWN: usize = 4096;
    let cut = &bytes[..bytes.len().min(SHOWN)];
    let mut out = String::new();
    for chunk in cut.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' | '\t' => out.push(c),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if bytes.len() > SHOWN {
        out.push_str(&format!("\n[... {} more bytes]", bytes.len() - SHOWN));
    }
    out
}

fn outcome_line(outcome: &Result<String, Rejection>) -> String {
    match outcome {
        Ok(text) => format!("accepted:\n{text}"),
        Err(r) => format!("rejected: {}", r.to_line()),
    }
}

/// The canonical text `canonical` (printed with `internal`), spelled so that libvirt's parser
/// reads back what its formatter meant. libvirt prints these raw and then cannot read them
/// back as they were; everything else is left byte for byte:
///
/// * a TAB, LF or CR inside a tag (only attribute values can hold one) becomes a character
///   reference (read raw, it would be normalized to a space);
/// * a CR in element text becomes `&#13;` (read raw, it would become LF);
/// * with `internal`, a backed-up `<disk>` without `state` gets `state=''` (libvirt's internal
///   format leaves out state none, and its internal parse requires the attribute);
/// * without `internal`, a `<seclabel relabel='yes'/>` gets back the empty `<label/>` it was
///   read from (libvirt reads an empty label as none and prints `relabel='yes'` alone,
///   which its schema refuses: found by the `mutate` target, checked with libvirt 9.0.0).
///
/// The formatter escapes `<` and `>` in every value, so each `<` starts a tag and the next
/// `>` ends it; values never hold a literal quote.
pub fn readable_spelling(canonical: &str, internal: bool) -> String {
    let mut out = String::with_capacity(canonical.len() + 16);
    let mut rest = canonical;
    while let Some(open) = rest.find('<') {
        text_spelling(&mut out, &rest[..open]);
        let tag_end = rest[open..].find('>').map_or(rest.len(), |e| open + e + 1);
        let tag = &rest[open..tag_end];
        let mut spelled = String::with_capacity(tag.len());
        for c in tag.chars() {
            match c {
                '\t' => spelled.push_str("&#9;"),
                '\n' => spelled.push_str("&#10;"),
                '\r' => spelled.push_str("&#13;"),
                c => spelled.push(c),
            }
        }
        if internal && spelled.starts_with("<disk ") && !spelled.contains(" state='") {
            if let Some(at) = spelled.find(" backup='yes'") {
                spelled.insert_str(at + " backup='yes'".len(), " state=''");
            }
        }
        if !internal && spelled.starts_with("<seclabel ") && spelled.ends_with(" relabel='yes'/>") {
            spelled.truncate(spelled.len() - "/>".len());
            spelled.push_str("><label/></seclabel>");
        }
        out.push_str(&spelled);
        rest = &rest[tag_end..];
    }
    text_spelling(&mut out, rest);
    out
}

fn text_spelling(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\r' {
            out.push_str("&#13;");
        } else {
            out.push(c);
        }
    }
}

/// Whether libvirt prints `model` in a way no parser reads back: an `<auth>` secret's
/// `type` is printed as it was read, unescaped (`virStorageAuthDefFormat`), so a `&`, `<`,
/// `>` or `'` in it makes the output ill-formed or cuts the value short.
fn prints_unreadable(model: &crate::DomainBackup) -> bool {
    model.disks.iter().any(|disk| {
        disk.store
            .as_ref()
            .and_then(|store| store.auth.as_ref())
            .and_then(|auth| auth.secret_type.as_deref())
            .is_some_and(|kind| kind.contains(['&', '<', '>', '\'']))
    })
}

/// The `parse` (and `mutate`) check: `input` through every mode of every profile.
///
/// * nothing panics (the caller's process would crash);
/// * the reader's fast path reads the text as its general path does: the same tree, the
///   positions included, or the same error;
/// * alignment only adds rejections: an aligned run refuses what the plain run refuses, the
///   same way, and otherwise refuses only at the align stage;
/// * an accepted document's canonical text (non-aligned; aligned output appends disks, so
///   its plain counterpart stands in for it) reads back, with the same options, to the same
///   model and formats to the same text, once spelled as libvirt can read it
///   ([`readable_spelling`]).
pub fn check_parse(input: &[u8]) -> Result<(), Finding> {
    let fast = read::read_tags(input, true);
    let general = read::read_tags(input, false);
    if fast != general {
        return Err(Finding {
            check: "parse",
            profile: None,
            mode: None,
            summary: "the reader's fast path reads the text otherwise".to_string(),
            detail: format!("--- fast path\n{fast:#?}\n--- general path\n{general:#?}"),
            document: input.to_vec(),
        });
    }
    for profile in Profile::ALL {
        for internal in [false, true] {
            let (plain_mode, aligned_mode) = if internal {
                (Mode::Internal, Mode::InternalAlign)
            } else {
                (Mode::Parse, Mode::Align)
            };
            let options = plain_mode.options(profile);
            let plain = process(input, options);
            let aligned = process(input, aligned_mode.options(profile));
            check_alignment_adds_only(input, profile, aligned_mode, &plain, &aligned)?;
            if let Ok(canonical) = &plain {
                check_reads_back(input, profile, plain_mode, canonical)?;
            }
        }
    }
    Ok(())
}

fn check_alignment_adds_only(
    input: &[u8],
    profile: Profile,
    mode: Mode,
    plain: &Result<String, Rejection>,
    aligned: &Result<String, Rejection>,
) -> Result<(), Finding> {
    let fine = match (plain, aligned) {
        (Err(a), Err(b)) => a == b,
        (Err(_), Ok(_)) => false,
        (Ok(_), Err(b)) => b.stage == Stage::Align,
        (Ok(_), Ok(_)) => true,
    };
    if fine {
        return Ok(());
    }
    Err(Finding::new(
        "parse",
        profile,
        mode,
        input,
        "alignment changed the outcome of parsing",
        format!(
            "--- without alignment: {}\n--- with alignment: {}",
            outcome_line(plain),
            outcome_line(aligned)
        ),
    ))
}

/// `canonical` is what `mode` (not aligned) printed for `input`.
fn check_reads_back(
    input: &[u8],
    profile: Profile,
    mode: Mode,
    canonical: &str,
) -> Result<(), Finding> {
    let options = mode.options(profile);
    let fail = |summary: &str, detail: String| {
        Err(Finding::new("parse", profile, mode, input, summary, detail))
    };
    let model = match parse(input, options) {
        Ok(m) => m,
        Err(r) => {
            return fail(
                "process accepts what parse rejects",
                format!("parse: {}", r.to_line()),
            );
        }
    };
    if prints_unreadable(&model) {
        return Ok(());
    }
    let spelled = readable_spelling(canonical, options.internal);
    match parse(spelled.as_bytes(), options) {
        Ok(again) if again == model => {}
        Ok(again) => {
            return fail(
                "the canonical text reads back to another model",
                format!(
                    "--- canonical text\n{canonical}--- as read back\n{spelled}--- model\n{model:#?}\n--- read back\n{again:#?}"
                ),
            );
        }
        Err(r) => {
            return fail(
                "the canonical text is rejected",
                format!(
                    "--- canonical text\n{canonical}--- as read back\n{spelled}--- rejection\n{}",
                    r.to_line()
                ),
            );
        }
    }
    match process(spelled.as_bytes(), options) {
        Ok(twice) if twice == canonical => Ok(()),
        other => fail(
            "the canonical text is not a fixed point",
            format!(
                "--- once\n{canonical}--- read back from\n{spelled}--- twice: {}",
                outcome_line(&other)
            ),
        ),
    }
}

/// The profile and mode a `roundtrip` input selects with its first byte.
pub fn roundtrip_target(first: u8) -> (Profile, Mode) {
    let profile = Profile::ALL[usize::from(first) % Profile::ALL.len()];
    let mode = Mode::ALL[usize::from(first) / Profile::ALL.len() % Mode::ALL.len()];
    (profile, mode)
}

/// The generated case an input of the `roundtrip` target stands for: the first byte picks
/// the profile and mode ([`roundtrip_target`]); the rest seeds the ChaCha RNG from which the
/// generator's strategies draw (up to 32 bytes are the seed, zero-padded; further bytes are
/// folded in, so every byte counts). `None` for an empty input or when the strategy gives
/// up (it builds values rather than filters them, so this does not happen today).
///
/// Why not proptest's pass-through RNG (the input's bytes as the randomness itself, the
/// classic structure-aware set-up): in proptest 1.12 every alternative of a `prop_oneof!`
/// that is not taken forks a lazy runner, and forking a pass-through RNG hands the second
/// half of the remaining bytes to the fork; after a few dozen choices nothing is left, the
/// RNG yields zeros, and `rand` 0.10's uniform sampling (Lemire's method) rejects an
/// all-zero draw for every range that is not a power of two, forever. Every realistic case
/// of this generator hangs that way (the first one-minute run hit it at once).
pub fn roundtrip_case(input: &[u8]) -> Option<ValidCase> {
    let (&first, rest) = input.split_first()?;
    let (profile, mode) = roundtrip_target(first);
    let mut seed = [0u8; 32];
    for (i, b) in rest.iter().enumerate() {
        seed[i % 32] ^= b.rotate_left((i / 32) as u32 % 8);
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let tree = generator::valid(profile, mode).new_tree(&mut runner).ok()?;
    Some(tree.current())
}

/// A `roundtrip` input for `profile` and `mode` with the RNG seed `seed`.
pub fn roundtrip_seed(profile: Profile, mode: Mode, seed: [u8; 32]) -> Vec<u8> {
    let p = Profile::ALL.iter().position(|x| *x == profile).unwrap_or(0);
    let m = Mode::ALL.iter().position(|x| *x == mode).unwrap_or(0);
    let mut out = vec![(m * Profile::ALL.len() + p) as u8];
    out.extend_from_slice(&seed);
    out
}

/// The `roundtrip` check, as `tests/generator.rs` checks a valid case: the reference accepts
/// the document with the expected output; parsing it (not aligned) gives the generated
/// model; the canonical text, spelled as libvirt reads it back ([`readable_spelling`]), is a
/// fixed point; a public parse's canonical text passes the schema.
pub fn check_roundtrip(input: &[u8]) -> Result<(), Finding> {
    let Some(case) = roundtrip_case(input) else {
        return Ok(());
    };
    let (profile, mode) = (case.profile, case.mode);
    let options = mode.options(profile);
    let document = case.document.as_bytes();
    let fail = |summary: &str, detail: String| {
        Err(Finding::new(
            "roundtrip",
            profile,
            mode,
            document,
            summary,
            format!("{detail}\n--- generated model\n{:#?}", case.definition),
        ))
    };
    let output = match process(document, options) {
        Ok(text) => text,
        Err(r) => return fail("a valid document is rejected", r.to_line()),
    };
    if output != case.expected {
        return fail(
            "the output differs from the expected one",
            format!("--- expected\n{}--- actual\n{output}", case.expected),
        );
    }
    let plain = Options {
        align: false,
        ..options
    };
    match parse(document, plain) {
        Ok(read_back) if read_back == case.definition => {}
        Ok(read_back) => {
            return fail(
                "parse(render(m)) != m",
                format!("--- read back\n{read_back:#?}"),
            );
        }
        Err(r) => return fail("parse rejects what process accepts", r.to_line()),
    }
    let spelled = readable_spelling(&output, options.internal);
    match process(spelled.as_bytes(), plain) {
        Ok(again) if again == output => {}
        other => {
            return fail(
                "the canonical text is not a fixed point",
                format!(
                    "--- once\n{output}--- read back from\n{spelled}--- twice: {}",
                    outcome_line(&other)
                ),
            );
        }
    }
    if !options.internal {
        let verdict = read::read(output.as_bytes())
            .map_err(|r| r.to_line())
            .and_then(|d| {
                schema::validate(&d, profile).map_err(|v| format!("{} {}", v.rule, v.detail))
            });
        if let Err(why) = verdict {
            return fail(
                "the canonical text fails the schema",
                format!("--- canonical text\n{output}--- violation\n{why}"),
            );
        }
    }
    Ok(())
}

/// Compares the reference's outcome with libvirt's: same verdict; for a rejection the same
/// stage, code and domain, and the same message except where libvirt's text comes from
/// libxml2 (well-formed and schema stages); for an acceptance the same text. `Err` says how
/// they differ, with both sides.
pub fn compare_with_libvirt(
    reference: &Result<String, Rejection>,
    libvirt: &Result<String, Rejection>,
) -> Result<(), String> {
    let both = || {
        format!(
            "--- reference: {}\n--- libvirt: {}",
            outcome_line(reference),
            outcome_line(libvirt)
        )
    };
    match (reference, libvirt) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Ok(_), Ok(_)) => Err(format!("outputs differ\n{}", both())),
        (Ok(_), Err(_)) => Err(format!(
            "the reference accepts, libvirt rejects\n{}",
            both()
        )),
        (Err(_), Ok(_)) => Err(format!(
            "the reference rejects, libvirt accepts\n{}",
            both()
        )),
        (Err(a), Err(b)) => {
            let libxml2_text = matches!(a.stage, Stage::WellFormed | Stage::Schema);
            if a.stage != b.stage
                || a.code != b.code
                || a.domain != b.domain
                || (!libxml2_text && a.message != b.message)
            {
                Err(format!("rejections differ\n{}", both()))
            } else {
                Ok(())
            }
        }
    }
}

/// The storage-source elements libvirt parses inside a target or scratch, in an internal
/// parse only (the schema refuses them), that the reference does not model (see
/// `src/xml/semantic.rs`): `<dataStore>`, which libvirt 11.x parses (9.0 ignores it, as the
/// reference does).
pub const UNMODELLED_STORAGE_ELEMENTS: [&str; 1] = ["dataStore"];

/// Where the reference is known to differ from libvirt on `input` (parsed internally or
/// not), and why; [`check_libvirt`] skips these (and counts them as skipped) instead of
/// reporting them.
///
/// * libxml2 2.9's non-linear entity expansion heuristic (`xmlParserEntityCheck`, which
///   weighs the entity references an expansion makes against the bytes read so far) is not
///   modelled: the reference caps the total expansion instead, so it accepts some nested
///   entities that libxml2 already calls a loop (three levels of ten references, 1,000
///   bytes, in `tests/hostile.rs` terms). Recognised by libxml2's message.
/// * In an internal parse, libvirt 11.x's parser of [`UNMODELLED_STORAGE_ELEMENTS`] may
///   refuse a malformed one that the reference accepts, print one that the reference
///   drops, or fail on it before another error. Recognised by any difference on an input
///   that has one of those elements.
pub fn known_divergence(
    input: &[u8],
    internal: bool,
    reference: &Result<String, Rejection>,
    libvirt: &Result<String, Rejection>,
) -> Option<&'static str> {
    let mentions = |name: &str| {
        let tag = format!("<{name}");
        input.windows(tag.len()).any(|w| w == tag.as_bytes())
    };
    match (reference, libvirt) {
        (Err(a), Err(b)) if a.stage == b.stage && a.code == b.code && a.domain == b.domain => None,
        (_, Err(b))
            if b.stage == Stage::WellFormed
                && b.message.contains("Detected an entity reference loop") =>
        {
            Some("libxml2's entity expansion heuristic is not modelled")
        }
        _ if internal
            && UNMODELLED_STORAGE_ELEMENTS
                .iter()
                .any(|name| mentions(name))
            && compare_with_libvirt(reference, libvirt).is_err() =>
        {
            Some("libvirt 11's dataStore parser is not modelled")
        }
        _ => None,
    }
}

/// Inputs that crash libvirt itself, which [`check_libvirt`] therefore never hands over:
/// libvirt 11.3.0 dies of SIGSEGV in its libxml2 error callback (`catchXMLError`, reached
/// from `virDomainBackupDefParseString`) when the document, as the C string it sees, is two
/// or more line ends and nothing else (`"\r\n"`, `"\n\n"`, ...). libvirt 9.0.0 reports
/// "Document is empty". Found by the `libvirt_diff` target
/// (`corpus/fuzz/crashes/libvirt_diff/libvirt-11.3-segfault-only-line-ends`).
pub fn crashes_libvirt(input: &[u8], profile: Profile) -> bool {
    let seen = input.split(|&b| b == 0).next().unwrap_or(&[]);
    profile == Profile::V11_3 && seen.len() >= 2 && seen.iter().all(|&b| b == b'\r' || b == b'\n')
}

/// What [`check_libvirt`] did with an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Asked {
    /// Modes in which libvirt judged the input and agreed.
    pub agreed: usize,
    /// Modes libvirt could not be asked about faithfully (an [`OracleError`]), skipped.
    ///
    /// [`OracleError`]: crate::libvirt::OracleError
    pub skipped: usize,
}

/// The `libvirt_diff` check: `input` through the reference and through `libvirt` in every
/// mode, under `profile` (the loaded libvirt's). An aligned mode whose plain counterpart
/// libvirt rejected is not asked again: libvirt parses before it aligns, so its answer is
/// that same rejection.
#[cfg(feature = "libvirt")]
pub fn check_libvirt(
    libvirt: &crate::libvirt::Libvirt,
    profile: Profile,
    input: &[u8],
) -> Result<Asked, Finding> {
    let mut asked = Asked::default();
    if crashes_libvirt(input, profile) {
        asked.skipped += Mode::ALL.len();
        return Ok(asked);
    }
    for internal in [false, true] {
        let mut plain_real: Option<Result<String, Rejection>> = None;
        for align in [false, true] {
            let mode = match (internal, align) {
                (false, false) => Mode::Parse,
                (false, true) => Mode::Align,
                (true, false) => Mode::Internal,
                (true, true) => Mode::InternalAlign,
            };
            let real = match (&plain_real, align) {
                (Some(Err(r)), true) => Err(r.clone()),
                _ => match libvirt.process(input, internal, align) {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        asked.skipped += 1;
                        continue;
                    }
                },
            };
            let reference = process(input, mode.options(profile));
            if known_divergence(input, internal, &reference, &real).is_some() {
                asked.skipped += 1;
                continue;
            }
            if let Err(why) = compare_with_libvirt(&reference, &real) {
                let (summary, detail) = why.split_once('\n').unwrap_or((&why, ""));
                return Err(Finding::new(
                    "libvirt_diff",
                    profile,
                    mode,
                    input,
                    format!(
                        "the reference and libvirt {} disagree: {summary}",
                        libvirt.version_string()
                    ),
                    detail.to_string(),
                ));
            }
            asked.agreed += 1;
            if !align {
                plain_real = Some(real);
            }
        }
    }
    Ok(asked)
}

// ---------------------------------------------------------------------------------------
// The grammar-aware mutator
// ---------------------------------------------------------------------------------------

/// Element names: the schema's, then the status-only ones, then those libvirt's storage
/// source parser reads inside a target or scratch although the schema refuses them.
pub const ELEMENT_NAMES: &[&str] = &[
    "domainbackup",
    "incremental",
    "server",
    "disks",
    "disk",
    "target",
    "scratch",
    "driver",
    "seclabel",
    "label",
    "encryption",
    "secret",
    "cipher",
    "ivgen",
    "privateData",
    "objects",
    "TLSx509",
    "nodenames",
    "nodename",
    "auth",
    "reservations",
    "slices",
    "slice",
    "dataStore",
    "source",
    "format",
];

/// Attribute names: the schema's, the status-only ones, and a few that libvirt's helpers read.
pub const ATTRIBUTE_NAMES: &[&str] = &[
    "mode",
    "transport",
    "tls",
    "name",
    "port",
    "socket",
    "fdgroup",
    "backup",
    "backupmode",
    "incremental",
    "exportname",
    "exportbitmap",
    "type",
    "state",
    "index",
    "file",
    "dev",
    "model",
    "relabel",
    "labelskip",
    "format",
    "engine",
    "uuid",
    "usage",
    "size",
    "hash",
    "alias",
    "xml:space",
    "username",
    "managed",
    "offset",
    "path",
];

/// Attribute and text values: every enumerated value of the grammar and of libvirt's
/// parser, with the edges of its patterns and numbers.
pub const VALUES: &[&str] = &[
    "",
    " ",
    "push",
    "pull",
    " push ",
    "default",
    "yes",
    "no",
    "tcp",
    "unix",
    "rdma",
    "fd",
    "file",
    "block",
    "dir",
    "network",
    "volume",
    "nvme",
    "vhostuser",
    "vhostvdpa",
    "none",
    "full",
    "incremental",
    "running",
    "complete",
    "failed",
    "cancelling",
    "cancelled",
    "raw",
    "bochs",
    "cloop",
    "dmg",
    "iso",
    "vpc",
    "vdi",
    "fat",
    "vhd",
    "ploop",
    "luks",
    "cow",
    "qcow",
    "qcow2",
    "qed",
    "vmdk",
    "luks2",
    "luks-any",
    "qemu",
    "librbd",
    "passphrase",
    "tlskey",
    "ceph",
    "chap",
    "client",
    "storage",
    "dac",
    "selinux",
    "vda",
    "vdb",
    "hda",
    "sdb",
    "xvda",
    "ubda",
    "fd0",
    "ioemu:hda",
    "vdextradisk",
    "v",
    "localhost",
    "host.example.org",
    "127.0.0.1",
    "::1",
    "fe80::1",
    "12345::1",
    "a_b",
    "/",
    "/path/to/file",
    "/dev/sdz",
    "relative/path",
    "C:\\x",
    "0",
    "1",
    "010",
    "+1",
    "-1",
    " 1",
    "1 ",
    "10809",
    "65535",
    "65536",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f",
    "0A81F5B284037B23C8D621CCC2F80D6F",
    "0a81f5b2-8403-7b23-c8d6-21ccc2f80d6",
    "aes",
    "256",
    "cbc",
    "sha256",
    "plain64",
    "1525889631",
    "preserve",
    "x\ty",
    "a\nb",
    "c\rd",
    "<&'\">",
    "\u{e9}\u{20ac}",
];

/// Subtrees of the grammar (and of libvirt's parser), spliced into documents by [`mutate`].
const SNIPPETS: &[&str] = &[
    "<incremental>1525889631</incremental>",
    "<incremental> </incremental>",
    "<server transport='tcp' name='localhost' port='10809'/>",
    "<server name='127.0.0.1' tls='yes'/>",
    "<server transport='unix' socket='/run/nbd.sock'/>",
    "<server transport='fd' fdgroup='nbd'/>",
    "<server transport='rdma' name='h'/>",
    "<disks><disk name='vda'/></disks>",
    "<disk name='vda' backup='no'/>",
    "<disk name='vdb' type='file'><target file='/backup/vdb.img'/><driver type='raw'/></disk>",
    "<disk name='vdc' backup='yes' type='block' backupmode='incremental' incremental='cp1'><target dev='/dev/sdz'/></disk>",
    "<disk name='vdd' type='file' exportname='e' exportbitmap='b'><scratch file='/s'/><driver type='qcow2'/></disk>",
    "<disk name='vde' type='block'><scratch dev='/dev/sdy'/></disk>",
    "<disk name='vdf' state='running' index='3' backupmode='full'/>",
    "<target file='/t'/>",
    "<scratch file='/s' fdgroup='g'/>",
    "<driver type='qcow2'/>",
    "<seclabel model='dac' relabel='no'/>",
    "<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>",
    "<seclabel labelskip='yes'/>",
    "<encryption format='luks'><secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></encryption>",
    "<encryption format='luks' engine='qemu'><secret type='passphrase' usage='u'/><cipher name='aes' size='256' mode='cbc' hash='sha256'/><ivgen name='plain64' hash='sha256'/></encryption>",
    "<cipher name='aes' size='4294967296'/>",
    "<ivgen name='plain64'/>",
    "<privateData><objects><secret type='tlskey' alias='objsec'/><TLSx509 alias='objtls'/></objects></privateData>",
    "<privateData><nodenames><nodename type='storage' name='n'/></nodenames></privateData>",
    "<auth username='u'><secret type='ceph' usage='x'/></auth>",
    "<reservations managed='yes'/>",
    "<slices><slice type='storage' offset='0' size='512'/></slices>",
    "<dataStore type='file'><source file='/d'/><format type='raw'/></dataStore>",
    "<label>l</label>",
];

fn snippets() -> &'static [Element] {
    static PARSED: OnceLock<Vec<Element>> = OnceLock::new();
    PARSED.get_or_init(|| {
        SNIPPETS
            .iter()
            .filter_map(|s| read::read(s.as_bytes()).ok())
            .map(|d| d.root)
            .collect()
    })
}

/// SplitMix64: small, fast, and enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Paths (child indices from the root) of every element, the root's being empty.
fn element_paths(root: &Element) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    let mut todo = vec![(Vec::new(), root)];
    while let Some((path, e)) = todo.pop() {
        for (i, child) in e.children.iter().enumerate() {
            if let Node::Element(c) = child {
                let mut p = path.clone();
                p.push(i);
                out.push(p.clone());
                todo.push((p, c));
            }
        }
    }
    out
}

fn element_at<'a>(root: &'a Element, path: &[usize]) -> Option<&'a Element> {
    let mut e = root;
    for &i in path {
        match e.children.get(i) {
            Some(Node::Element(c)) => e = c,
            _ => return None,
        }
    }
    Some(e)
}

fn element_at_mut<'a>(root: &'a mut Element, path: &[usize]) -> Option<&'a mut Element> {
    let mut e = root;
    for &i in path {
        match e.children.get_mut(i) {
            Some(Node::Element(c)) => e = c,
            _ => return None,
        }
    }
    Some(e)
}

fn attribute(name: &str, value: &str) -> Attribute {
    let (prefix, local) = match name.split_once(':') {
        Some((p, l)) => (Some(p.to_string()), l.to_string()),
        None => (None, name.to_string()),
    };
    let namespace = prefix
        .as_deref()
        .filter(|p| *p == "xml")
        .map(|_| "http://www.w3.org/XML/1998/namespace".to_string());
    Attribute {
        name: local.into(),
        prefix,
        namespace,
        value: value.to_string(),
        position: Default::default(),
    }
}

fn text(value: &str) -> Node {
    Node::Text(Text {
        value: value.to_string(),
        cdata: false,
        position: Default::default(),
    })
}

/// One grammar-aware edit of the tree. Returns whether something changed.
fn edit(root: &mut Element, rng: &mut Rng) -> bool {
    let paths = element_paths(root);
    let path = rng.pick(&paths).clone();
    match rng.below(12) {
        // Swap two children.
        0 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.children.len() < 2 {
                return false;
            }
            let (a, b) = (rng.below(e.children.len()), rng.below(e.children.len()));
            e.children.swap(a, b);
            a != b
        }
        // Duplicate a child next to itself or elsewhere among its siblings.
        1 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.children.is_empty() {
                return false;
            }
            let copy = e.children[rng.below(e.children.len())].clone();
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, copy);
            true
        }
        // Drop a child.
        2 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.children.is_empty() {
                return false;
            }
            let at = rng.below(e.children.len());
            e.children.remove(at);
            true
        }
        // Splice a grammar subtree in.
        3 | 4 => {
            let snippet = rng.pick(snippets()).clone();
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, Node::Element(snippet));
            true
        }
        // Splice a copy of one of the document's own subtrees somewhere else.
        5 => {
            let from = rng.pick(&paths).clone();
            let Some(copy) = element_at(root, &from).cloned() else {
                return false;
            };
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, Node::Element(copy));
            true
        }
        // Give an attribute a grammar value.
        6 | 7 => {
            let value = *rng.pick(VALUES);
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.attributes.is_empty() {
                let name = *rng.pick(ATTRIBUTE_NAMES);
                e.attributes.push(attribute(name, value));
            } else {
                let at = rng.below(e.attributes.len());
                e.attributes[at].value = value.to_string();
            }
            true
        }
        // Add a grammar attribute (or replace the one of that name).
        8 => {
            let (name, value) = (*rng.pick(ATTRIBUTE_NAMES), *rng.pick(VALUES));
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            let new = attribute(name, value);
            match e
                .attributes
                .iter_mut()
                .find(|a| a.name == new.name && a.prefix == new.prefix)
            {
                Some(a) => a.value = new.value,
                None => {
                    let at = rng.below(e.attributes.len() + 1);
                    e.attributes.insert(at, new);
                }
            }
            true
        }
        // Remove an attribute.
        9 => {
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if e.attributes.is_empty() {
                return false;
            }
            let at = rng.below(e.attributes.len());
            e.attributes.remove(at);
            true
        }
        // Rename an element.
        10 => {
            let name = *rng.pick(ELEMENT_NAMES);
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            e.name = name.into();
            e.prefix = None;
            e.namespace = None;
            true
        }
        // Set or add text.
        _ => {
            let value = *rng.pick(VALUES);
            let Some(e) = element_at_mut(root, &path) else {
                return false;
            };
            if rng.below(2) == 0 {
                e.children.retain(|n| !matches!(n, Node::Text(_)));
            }
            let at = rng.below(e.children.len() + 1);
            e.children.insert(at, text(value));
            true
        }
    }
}

/// The grammar-aware mutation of the `mutate` target: reads `input` as an element tree,
/// makes one to four edits (swap, duplicate, drop or splice subtrees; grammar names and
/// values for elements, attributes and text) and writes the tree back ([`write_tree`]).
/// `None` when the input does not read or the result would exceed `max_size` bytes: the
/// caller then falls back to byte-level mutation.
pub fn mutate(input: &[u8], max_size: usize, seed: u64) -> Option<Vec<u8>> {
    let mut root = read::read(input).ok()?.root;
    let mut rng = Rng(seed);
    let edits = 1 + rng.below(4);
    let mut changed = false;
    for _ in 0..edits {
        changed |= edit(&mut root, &mut rng);
    }
    if !changed {
        return None;
    }
    let out = write_tree(&root).into_bytes();
    (out.len() <= max_size).then_some(out)
}

/// Writes an element tree as XML that reads back to the same tree (comments and processing
/// instructions as empty ones, entity references as their text; the DOCTYPE is gone).
/// Namespaces are declared where an element's or attribute's namespace needs them. The
/// walk is iterative: the depth of the tree does not matter.
pub fn write_tree(root: &Element) -> String {
    enum Step<'a> {
        Open(&'a Element, Option<&'a str>),
        Raw(String),
    }
    let mut out = String::new();
    let mut todo = vec![Step::Open(root, None)];
    while let Some(step) = todo.pop() {
        let (e, default_ns) = match step {
            Step::Raw(raw) => {
                out.push_str(&raw);
                continue;
            }
            Step::Open(e, default_ns) => (e, default_ns),
        };
        out.push('<');
        out.push_str(&e.qualified_name());
        let mut own_default = default_ns;
        match (&e.prefix, &e.namespace) {
            (Some(p), Some(ns)) if p != "xml" => {
                out.push_str(&format!(" xmlns:{p}='{}'", escape_attribute(ns)));
            }
            (None, ns) if ns.as_deref() != default_ns => {
                out.push_str(&format!(
                    " xmlns='{}'",
                    escape_attribute(ns.as_deref().unwrap_or(""))
                ));
                own_default = ns.as_deref();
            }
            _ => {}
        }
        for a in &e.attributes {
            let prefix = a.prefix.as_deref().filter(|_| a.namespace.is_some());
            if let (Some(p), Some(ns)) = (prefix, &a.namespace) {
                if p != "xml" && e.prefix.as_deref() != Some(p) {
                    out.push_str(&format!(" xmlns:{p}='{}'", escape_attribute(ns)));
                }
            }
            out.push(' ');
            if let Some(p) = prefix {
                out.push_str(p);
                out.push(':');
            }
            out.push_str(&a.name);
            out.push_str("='");
            out.push_str(&escape_attribute(&a.value));
            out.push('\'');
        }
        if e.children.is_empty() {
            out.push_str("/>");
            continue;
        }
        out.push('>');
        todo.push(Step::Raw(format!("</{}>", e.qualified_name())));
        for child in e.children.iter().rev() {
            todo.push(match child {
                Node::Element(c) => Step::Open(c, own_default),
                Node::Text(t) => Step::Raw(escape_text(&t.value, t.cdata)),
                Node::EntityReference(r) => Step::Raw(escape_text(&r.value, false)),
                Node::Comment(_) => Step::Raw("<!-- -->".to_string()),
                Node::ProcessingInstruction(_) => Step::Raw("<?pi?>".to_string()),
            });
        }
    }
    out
}

fn escape_attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

fn escape_text(s: &str, cdata: bool) -> String {
    if cdata && !s.contains("]]>") {
        return format!("<![CDATA[{s}]]>");
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_spelling_changes_only_what_libvirt_cannot_read_back() {
        let canonical = "<domainbackup mode='push'>\n  <incremental>a\rb</incremental>\n  <disks>\n    <disk name='v\td' backup='yes' type='file'/>\n    <disk name='x' backup='no'/>\n  </disks>\n</domainbackup>\n";
        assert_eq!(
            readable_spelling(canonical, false),
            "<domainbackup mode='push'>\n  <incremental>a&#13;b</incremental>\n  <disks>\n    <disk name='v&#9;d' backup='yes' type='file'/>\n    <disk name='x' backup='no'/>\n  </disks>\n</domainbackup>\n"
        );
        assert!(
            readable_spelling(canonical, true)
                .contains("<disk name='v&#9;d' backup='yes' state='' type='file'/>")
        );
        let running = "<disk name='a' backup='yes' state='running' type='file'/>";
        assert_eq!(readable_spelling(running, true), running);
        let seclabel = "<seclabel model='dac' relabel='yes'/>";
        assert_eq!(
            readable_spelling(seclabel, false),
            "<seclabel model='dac' relabel='yes'><label/></seclabel>"
        );
        assert_eq!(readable_spelling(seclabel, true), seclabel);
    }

    #[test]
    fn write_tree_reads_back_to_the_same_tree() {
        let text = "<x:domainbackup xmlns:x='urn:x' mode='pull'><incremental> a&amp;b&#13;<!--c--><![CDATA[<d>]]></incremental><disks xmlns='urn:d'><disk name='v&#9;a' xml:space='preserve'/><y xmlns=''/></disks></x:domainbackup>";
        let once = write_tree(&read::read(text.as_bytes()).expect("reads").root);
        let twice = write_tree(&read::read(once.as_bytes()).expect("reads back").root);
        assert_eq!(once, twice);
        assert!(once.contains("name='v&#9;a'"), "{once}");
    }

    #[test]
    fn mutate_edits_and_stays_within_the_size() {
        let seed = b"<domainbackup mode='pull'><server name='h'/><disks><disk name='vda'/></disks></domainbackup>";
        let mut changed = 0;
        for s in 0..200 {
            if let Some(out) = mutate(seed, 4096, s) {
                assert!(out.len() <= 4096);
                changed += usize::from(out != seed);
            }
        }
        assert!(
            changed > 150,
            "only {changed} of 200 mutations changed the document"
        );
        assert_eq!(mutate(b"not xml", 4096, 1), None);
        assert_eq!(mutate(seed, 10, 1), None);
    }

    #[test]
    fn roundtrip_inputs_pick_every_profile_and_mode() {
        for profile in Profile::ALL {
            for mode in Mode::ALL {
                let input = roundtrip_seed(profile, mode, [7; 32]);
                let case = roundtrip_case(&input).expect("a case");
                assert_eq!((case.profile, case.mode), (profile, mode));
                assert_eq!(check_roundtrip(&input), Ok(()));
            }
        }
        assert!(roundtrip_case(&[]).is_none());
    }
}
