//! Comparing what an implementation did with what libvirt does (the reference's outcome).
//!
//! Levels ([`Comparison`]): the verdict alone; the semantic model of accepted output (the
//! default: the implementation's text is read back leniently and compared with the
//! expected model field by field, each difference named by path, e.g.
//! `/domainbackup/disks/disk[2]/@exportbitmap`); exact canonical bytes; and, for
//! implementations that report libvirt's numbers, the stage and error code of rejections.
//!
//! Every case ends in one [`Outcome`]. The comparator is itself tested with pairs that must
//! differ (one per model field), since a comparison that cannot fail proves nothing.

use std::fmt;

use crate::model::{
    BackupDisk, BackupMode, BackupStore, Cipher, DomainBackup, Encryption, Ivgen, PullServer,
    Seclabel, SecretLookup, StoreType,
};
use crate::xml::tree::{Attribute, Node};
use crate::{Position, Profile, Rejection, Stage};

use super::implementation::Observed;

/// How one case ended.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Same verdict (and, at the chosen level, same output or error).
    Agree,
    /// libvirt rejects the document; the implementation accepted it.
    FalseAccept,
    /// libvirt accepts the document; the implementation rejected it.
    FalseReject,
    /// Both reject, but with another stage or error code (`--compare codes`).
    WrongError,
    /// Both accept, but the output means something else (or, with `exact`, is spelled
    /// otherwise).
    WrongOutput,
    /// The implementation died: another exit status, a signal, or a persistent process that
    /// went away.
    Crash,
    /// No answer within the timeout.
    Timeout,
    /// An answer outside the protocol: garbage, non-UTF-8, too large, wrong sequence number.
    ProtocolError,
    /// The implementation declined the case (or it cannot be put to it).
    Skipped,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 9] = [
        Outcome::Agree,
        Outcome::FalseAccept,
        Outcome::FalseReject,
        Outcome::WrongError,
        Outcome::WrongOutput,
        Outcome::Crash,
        Outcome::Timeout,
        Outcome::ProtocolError,
        Outcome::Skipped,
    ];

    /// The name in reports: `agree`, `false accept`, ...
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Agree => "agree",
            Outcome::FalseAccept => "false accept",
            Outcome::FalseReject => "false reject",
            Outcome::WrongError => "wrong error",
            Outcome::WrongOutput => "wrong output",
            Outcome::Crash => "crash",
            Outcome::Timeout => "timeout",
            Outcome::ProtocolError => "protocol error",
            Outcome::Skipped => "skipped",
        }
    }

    /// The machine name (as in JSON): `agree`, `false-accept`, ...
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Agree => "agree",
            Outcome::FalseAccept => "false-accept",
            Outcome::FalseReject => "false-reject",
            Outcome::WrongError => "wrong-error",
            Outcome::WrongOutput => "wrong-output",
            Outcome::Crash => "crash",
            Outcome::Timeout => "timeout",
            Outcome::ProtocolError => "protocol-error",
            Outcome::Skipped => "skipped",
        }
    }

    /// Whether this outcome is a disagreement with libvirt (everything but agree and
    /// skipped).
    pub fn is_disagreement(self) -> bool {
        !matches!(self, Outcome::Agree | Outcome::Skipped)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What accepted output is compared by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OutputComparison {
    /// Not at all: the verdict is all.
    Verdict,
    /// The model read back from the output, field by field (the default).
    #[default]
    Semantic,
    /// The bytes, against libvirt's canonical text.
    Exact,
}

/// The comparison level: `--compare verdict|semantic|exact`, plus `codes` (alone or as
/// `codes,exact`), which also compares the stage and error code of rejections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Comparison {
    /// How accepted output is compared.
    pub output: OutputComparison,
    /// Rejections must name libvirt's error code (and stage, when the implementation gives
    /// one).
    pub codes: bool,
}

impl Comparison {
    /// The level's name as the command line spells it.
    pub fn name(&self) -> String {
        let output = match self.output {
            OutputComparison::Verdict => "verdict",
            OutputComparison::Semantic => "semantic",
            OutputComparison::Exact => "exact",
        };
        if self.codes {
            format!("codes,{output}")
        } else {
            output.to_string()
        }
    }
}

impl std::str::FromStr for Comparison {
    type Err = String;

    /// A comma-separated list of `verdict`, `semantic`, `exact` and `codes`; `codes` alone
    /// keeps the semantic output comparison.
    fn from_str(s: &str) -> Result<Comparison, String> {
        let mut c = Comparison::default();
        for word in s.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word {
                "verdict" => c.output = OutputComparison::Verdict,
                "semantic" => c.output = OutputComparison::Semantic,
                "exact" => c.output = OutputComparison::Exact,
                "codes" => c.codes = true,
                other => {
                    return Err(format!(
                        "unknown comparison '{other}' (expected verdict, semantic, exact or codes)"
                    ));
                }
            }
        }
        Ok(c)
    }
}

/// One difference between the expected and the implementation's output, by path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Difference {
    /// Where, e.g. `/domainbackup/disks/disk[2]/@exportbitmap` (1-based indexes).
    pub path: String,
    /// The expected value, quoted, or `absent`.
    pub expected: String,
    /// The implementation's value, quoted, or `absent`.
    pub got: String,
}

impl Difference {
    /// The path with indexes dropped (`disk[2]` → `disk`): what stays the same while a
    /// counterexample is shrunk.
    pub fn shape(&self) -> String {
        let mut out = String::with_capacity(self.path.len());
        let mut in_index = false;
        for c in self.path.chars() {
            match c {
                '[' => in_index = true,
                ']' => in_index = false,
                c if !in_index => out.push(c),
                _ => {}
            }
        }
        out
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.path, self.expected, self.got
        )
    }
}

/// The verdict of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// The outcome class.
    pub outcome: Outcome,
    /// For wrong output: each difference.
    pub differences: Vec<Difference>,
    /// One line saying what happened, for reports.
    pub detail: String,
}

impl Judgement {
    /// What must stay the same while shrinking: the outcome and, for wrong output, the
    /// shape of the first differing path.
    pub fn signature(&self) -> (Outcome, Option<String>) {
        (
            self.outcome,
            if self.outcome == Outcome::WrongOutput {
                self.differences.first().map(Difference::shape)
            } else {
                None
            },
        )
    }
}

/// The expectation in one line: `accepted` or `rejected stage=.. code=.. domain=..: message`.
pub fn describe_expectation(expected: &Result<String, Rejection>) -> String {
    match expected {
        Ok(_) => "accepted".to_string(),
        Err(r) => {
            // Written piece by piece: this runs for every rejected case of a campaign.
            let mut s = String::with_capacity(40 + r.message.len());
            s.push_str("rejected stage=");
            s.push_str(r.stage.as_str());
            s.push_str(" code=");
            push_number(&mut s, r.code);
            s.push_str(" domain=");
            push_number(&mut s, r.domain);
            s.push_str(": ");
            let mut lines = r.message.split('\n');
            s.push_str(lines.next().unwrap_or(""));
            for line in lines {
                s.push_str("\\n");
                s.push_str(line);
            }
            s
        }
    }
}

/// Appends `n` in decimal.
pub(crate) fn push_number(s: &mut String, n: i32) {
    let _ = std::fmt::Write::write_fmt(s, format_args!("{n}"));
}

/// Compares one observed behaviour with the reference's outcome under `comparison`.
/// `profile` is the case's, used to read accepted output back.
pub fn judge(
    expected: &Result<String, Rejection>,
    observed: &Observed,
    comparison: Comparison,
    profile: Profile,
) -> Judgement {
    let simple = |outcome: Outcome, detail: String| Judgement {
        outcome,
        differences: Vec::new(),
        detail,
    };
    match (expected, observed) {
        (_, Observed::Skipped { reason }) => simple(Outcome::Skipped, reason.clone()),
        (_, Observed::Crashed { detail }) => simple(Outcome::Crash, detail.clone()),
        (_, Observed::TimedOut { after_ms }) => {
            simple(Outcome::Timeout, format!("no answer within {after_ms} ms"))
        }
        (_, Observed::ProtocolError { detail }) => simple(Outcome::ProtocolError, detail.clone()),
        (Err(r), Observed::Accepted { .. }) => simple(
            Outcome::FalseAccept,
            format!(
                "libvirt rejects (stage={} code={}: {}), the implementation accepted",
                r.stage,
                r.code,
                r.message.replace('\n', "\\n")
            ),
        ),
        (Ok(_), Observed::Rejected { message, .. }) => simple(
            Outcome::FalseReject,
            format!(
                "libvirt accepts, the implementation rejected: {}",
                one_line(message)
            ),
        ),
        (Err(r), Observed::Rejected { code, stage, .. }) => {
            if !comparison.codes {
                return simple(Outcome::Agree, String::new());
            }
            let code_ok = *code == Some(r.code);
            let stage_ok = stage.is_none_or(|s| s == r.stage);
            if code_ok && stage_ok {
                simple(Outcome::Agree, String::new())
            } else {
                let got_code = code.map_or("no code".to_string(), |c| format!("code={c}"));
                let got_stage = stage.map_or(String::new(), |s| format!("stage={s} "));
                simple(
                    Outcome::WrongError,
                    format!(
                        "expected stage={} code={}, got {got_stage}{got_code}",
                        r.stage, r.code
                    ),
                )
            }
        }
        (Ok(canonical), Observed::Accepted { output }) => {
            let differences = match comparison.output {
                OutputComparison::Verdict => Vec::new(),
                OutputComparison::Exact => exact_differences(canonical, output),
                OutputComparison::Semantic => semantic_differences(canonical, output, profile),
            };
            if differences.is_empty() {
                simple(Outcome::Agree, String::new())
            } else {
                let detail = match differences.len() {
                    1 => differences[0].to_string(),
                    n => format!("{} (and {} more)", differences[0], n - 1),
                };
                Judgement {
                    outcome: Outcome::WrongOutput,
                    differences,
                    detail,
                }
            }
        }
    }
}

fn one_line(s: &str) -> String {
    let line = s.trim_end().replace('\n', "\\n");
    if line.chars().count() > 300 {
        let cut: String = line.chars().take(300).collect();
        format!("{cut}...")
    } else {
        line
    }
}

/// Exact comparison: the first differing line, as a difference at `/` with the line number.
pub fn exact_differences(expected: &str, got: &str) -> Vec<Difference> {
    if expected == got {
        return Vec::new();
    }
    let mut e = expected.split_inclusive('\n');
    let mut g = got.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (e.next(), g.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => {
                let show = |s: Option<&str>| s.map_or("absent".to_string(), |s| format!("{s:?}"));
                return vec![Difference {
                    path: format!("/ (line {line})"),
                    expected: show(a),
                    got: show(b),
                }];
            }
        }
    }
}

/// Reads an implementation's output leniently: libvirt's reader in internal mode (no
/// schema; status fields read), with a missing disk `state` taken as `state=''` so that
/// output of a public parse, which never prints it, reads back too.
pub fn read_back(output: &[u8], profile: Profile) -> Result<DomainBackup, Rejection> {
    let mut document = crate::xml::read::read(output)?;
    if document.root.name != "domainbackup" {
        return Err(Rejection::from_parts(
            Stage::Root,
            27,
            20,
            format!("the root element is '{}'", document.root.name),
        ));
    }
    for child in &mut document.root.children {
        let Node::Element(disks) = child else {
            continue;
        };
        if disks.name != "disks" || disks.namespace.is_some() {
            continue;
        }
        for disk in &mut disks.children {
            if let Node::Element(disk) = disk {
                if disk.prop("state").is_none() {
                    disk.attributes.push(Attribute {
                        name: "state".into(),
                        prefix: None,
                        namespace: None,
                        value: String::new(),
                        position: Position::default(),
                    });
                }
            }
        }
    }
    crate::xml::semantic::parse(&document.root, profile, true)
}

/// Semantic comparison of accepted output: both texts read back with [`read_back`] and
/// compared with [`diff_models`].
pub fn semantic_differences(expected: &str, got: &str, profile: Profile) -> Vec<Difference> {
    // The same bytes read back the same: most agreeing cases end here, unparsed.
    if expected == got {
        return Vec::new();
    }
    let want = match read_back(expected.as_bytes(), profile) {
        Ok(model) => model,
        // The reference's own text always reads back; should it not, compare bytes.
        Err(_) => return exact_differences(expected, got),
    };
    match read_back(got.as_bytes(), profile) {
        Ok(model) => diff_models(&want, &model),
        Err(r) => vec![Difference {
            path: "/domainbackup".into(),
            expected: "a readable <domainbackup>".into(),
            got: format!("unreadable output ({})", one_line(&r.to_string())),
        }],
    }
}

fn quoted(v: Option<&str>) -> String {
    match v {
        Some(s) => format!("'{s}'"),
        None => "absent".to_string(),
    }
}

struct Differ {
    out: Vec<Difference>,
}

impl Differ {
    fn value(&mut self, path: &str, expected: Option<&str>, got: Option<&str>) {
        if expected != got {
            self.out.push(Difference {
                path: path.to_string(),
                expected: quoted(expected),
                got: quoted(got),
            });
        }
    }

    fn presence(&mut self, path: &str, expected: bool, got: bool) {
        if expected != got {
            let show = |b: bool| if b { "present" } else { "absent" }.to_string();
            self.out.push(Difference {
                path: path.to_string(),
                expected: show(expected),
                got: show(got),
            });
        }
    }
}

fn yes_no(b: bool) -> Option<&'static str> {
    Some(if b { "yes" } else { "no" })
}

fn nonzero(n: u32) -> Option<String> {
    (n != 0).then(|| n.to_string())
}

/// Every difference between two models, named by the XML path libvirt would print the
/// field at (absent fields as `absent`). Empty exactly when the models are equal.
pub fn diff_models(expected: &DomainBackup, got: &DomainBackup) -> Vec<Difference> {
    let mut d = Differ { out: Vec::new() };
    // Destructured without `..`: a new model field fails to compile until it is compared.
    let DomainBackup {
        mode,
        incremental,
        server,
        disks,
        tls_secret_alias,
        tls_alias,
    } = expected;
    d.value(
        "/domainbackup/@mode",
        Some(mode.as_str()),
        Some(got.mode.as_str()),
    );
    d.value(
        "/domainbackup/incremental",
        incremental.as_deref(),
        got.incremental.as_deref(),
    );
    match (server, &got.server) {
        (Some(a), Some(b)) => diff_server(&mut d, a, b),
        (a, b) => d.presence("/domainbackup/server", a.is_some(), b.is_some()),
    }
    let store_name = if *mode == BackupMode::Push {
        "target"
    } else {
        "scratch"
    };
    for i in 0..disks.len().max(got.disks.len()) {
        let path = format!("/domainbackup/disks/disk[{}]", i + 1);
        match (disks.get(i), got.disks.get(i)) {
            (Some(a), Some(b)) => diff_disk(&mut d, &path, store_name, a, b),
            (a, b) => d.value(
                &path,
                a.map(|x| format!("disk '{}'", x.name)).as_deref(),
                b.map(|x| format!("disk '{}'", x.name)).as_deref(),
            ),
        }
    }
    d.value(
        "/domainbackup/privateData/objects/secret/@alias",
        tls_secret_alias.as_deref(),
        got.tls_secret_alias.as_deref(),
    );
    d.value(
        "/domainbackup/privateData/objects/TLSx509/@alias",
        tls_alias.as_deref(),
        got.tls_alias.as_deref(),
    );
    if d.out.is_empty() && expected != got {
        // Unreachable while every field is compared above; kept so that a comparison can
        // never silently pass.
        d.out.push(Difference {
            path: "/domainbackup".into(),
            expected: format!("{expected:?}"),
            got: format!("{got:?}"),
        });
    }
    d.out
}

fn diff_server(d: &mut Differ, a: &PullServer, b: &PullServer) {
    let PullServer {
        transport,
        tls,
        name,
        port,
        socket,
        fdgroup,
    } = a;
    let p = "/domainbackup/server";
    d.value(
        &format!("{p}/@transport"),
        Some(transport.as_str()),
        Some(b.transport.as_str()),
    );
    d.value(
        &format!("{p}/@tls"),
        tls.and_then(yes_no),
        b.tls.and_then(yes_no),
    );
    d.value(&format!("{p}/@name"), name.as_deref(), b.name.as_deref());
    d.value(
        &format!("{p}/@port"),
        nonzero(*port).as_deref(),
        nonzero(b.port).as_deref(),
    );
    d.value(
        &format!("{p}/@socket"),
        socket.as_deref(),
        b.socket.as_deref(),
    );
    d.value(
        &format!("{p}/@fdgroup"),
        fdgroup.as_deref(),
        b.fdgroup.as_deref(),
    );
}

fn diff_disk(d: &mut Differ, p: &str, store_name: &str, a: &BackupDisk, b: &BackupDisk) {
    let BackupDisk {
        name,
        backup,
        state,
        backup_mode,
        incremental,
        export_name,
        export_bitmap,
        store,
    } = a;
    d.value(&format!("{p}/@name"), Some(name), Some(&b.name));
    d.value(&format!("{p}/@backup"), yes_no(*backup), yes_no(b.backup));
    let state_str = |s: &str| (!s.is_empty()).then(|| s.to_string());
    d.value(
        &format!("{p}/@state"),
        state_str(state.as_str()).as_deref(),
        state_str(b.state.as_str()).as_deref(),
    );
    d.value(
        &format!("{p}/@backupmode"),
        backup_mode.as_str(),
        b.backup_mode.as_str(),
    );
    d.value(
        &format!("{p}/@incremental"),
        incremental.as_deref(),
        b.incremental.as_deref(),
    );
    d.value(
        &format!("{p}/@exportname"),
        export_name.as_deref(),
        b.export_name.as_deref(),
    );
    d.value(
        &format!("{p}/@exportbitmap"),
        export_bitmap.as_deref(),
        b.export_bitmap.as_deref(),
    );
    match (store, &b.store) {
        (Some(x), Some(y)) => diff_store(d, p, store_name, x, y),
        (x, y) => d.presence(&format!("{p}/{store_name}"), x.is_some(), y.is_some()),
    }
}

fn diff_store(d: &mut Differ, disk: &str, store_name: &str, a: &BackupStore, b: &BackupStore) {
    let BackupStore {
        kind,
        path,
        fdgroup,
        format,
        index,
        seclabels,
        encryption,
        auth,
        reservations,
        slice,
    } = a;
    let p = format!("{disk}/{store_name}");
    d.value(
        &format!("{disk}/@type"),
        Some(kind.as_str()),
        Some(b.kind.as_str()),
    );
    let path_attr = match kind {
        StoreType::File => "file",
        StoreType::Block => "dev",
    };
    d.value(
        &format!("{p}/@{path_attr}"),
        path.as_deref(),
        b.path.as_deref(),
    );
    d.value(
        &format!("{p}/@fdgroup"),
        fdgroup.as_deref(),
        b.fdgroup.as_deref(),
    );
    d.value(
        &format!("{disk}/driver/@type"),
        format.map(|f| f.as_str()),
        b.format.map(|f| f.as_str()),
    );
    d.value(
        &format!("{disk}/@index"),
        nonzero(*index).as_deref(),
        nonzero(b.index).as_deref(),
    );
    for i in 0..seclabels.len().max(b.seclabels.len()) {
        let sp = format!("{p}/seclabel[{}]", i + 1);
        match (seclabels.get(i), b.seclabels.get(i)) {
            (Some(x), Some(y)) => diff_seclabel(d, &sp, x, y),
            (x, y) => d.presence(&sp, x.is_some(), y.is_some()),
        }
    }
    match (encryption, &b.encryption) {
        (Some(x), Some(y)) => diff_encryption(d, &format!("{p}/encryption"), x, y),
        (x, y) => d.presence(&format!("{p}/encryption"), x.is_some(), y.is_some()),
    }
    match (auth, &b.auth) {
        (Some(x), Some(y)) => {
            let ap = format!("{p}/auth");
            d.value(
                &format!("{ap}/@username"),
                Some(&x.username),
                Some(&y.username),
            );
            d.value(&format!("{ap}/@type"), x.kind.as_deref(), y.kind.as_deref());
            let sp = format!("{ap}/secret");
            d.value(
                &format!("{sp}/@type"),
                x.secret_type.as_deref(),
                y.secret_type.as_deref(),
            );
            diff_secret(d, &sp, &x.secret, &y.secret);
        }
        (x, y) => d.presence(&format!("{p}/auth"), x.is_some(), y.is_some()),
    }
    match (reservations, &b.reservations) {
        (Some(x), Some(y)) => {
            let rp = format!("{p}/reservations");
            d.value(
                &format!("{rp}/@managed"),
                yes_no(x.managed),
                yes_no(y.managed),
            );
            d.value(
                &format!("{rp}/source/@path"),
                x.path.as_deref(),
                y.path.as_deref(),
            );
        }
        (x, y) => d.presence(&format!("{p}/reservations"), x.is_some(), y.is_some()),
    }
    match (slice, &b.slice) {
        (Some(x), Some(y)) => {
            let sp = format!("{p}/slices/slice");
            d.value(
                &format!("{sp}/@offset"),
                Some(&x.offset.to_string()),
                Some(&y.offset.to_string()),
            );
            d.value(
                &format!("{sp}/@size"),
                Some(&x.size.to_string()),
                Some(&y.size.to_string()),
            );
        }
        (x, y) => d.presence(&format!("{p}/slices/slice"), x.is_some(), y.is_some()),
    }
}

/// A secret's `uuid` and `usage` at `p` (one of them is set).
fn diff_secret(d: &mut Differ, p: &str, a: &SecretLookup, b: &SecretLookup) {
    let uuid = |s: &SecretLookup| match s {
        SecretLookup::Uuid(u) => Some(crate::xml::format::format_uuid(u)),
        SecretLookup::Usage(_) => None,
    };
    let usage = |s: &SecretLookup| match s {
        SecretLookup::Usage(u) => Some(u.clone()),
        SecretLookup::Uuid(_) => None,
    };
    d.value(
        &format!("{p}/@uuid"),
        uuid(a).as_deref(),
        uuid(b).as_deref(),
    );
    d.value(
        &format!("{p}/@usage"),
        usage(a).as_deref(),
        usage(b).as_deref(),
    );
}

fn diff_seclabel(d: &mut Differ, p: &str, a: &Seclabel, b: &Seclabel) {
    let Seclabel {
        model,
        norelabel,
        labelskip,
        label,
    } = a;
    d.value(&format!("{p}/@model"), model.as_deref(), b.model.as_deref());
    d.value(
        &format!("{p}/@relabel"),
        yes_no(!norelabel),
        yes_no(!b.norelabel),
    );
    d.value(
        &format!("{p}/@labelskip"),
        yes_no(*labelskip),
        yes_no(b.labelskip),
    );
    d.value(&format!("{p}/label"), label.as_deref(), b.label.as_deref());
}

fn diff_encryption(d: &mut Differ, p: &str, a: &Encryption, b: &Encryption) {
    let Encryption {
        format,
        engine,
        secrets,
        cipher,
        ivgen,
    } = a;
    d.value(
        &format!("{p}/@format"),
        Some(format.as_str()),
        Some(b.format.as_str()),
    );
    d.value(&format!("{p}/@engine"), engine.as_str(), b.engine.as_str());
    for i in 0..secrets.len().max(b.secrets.len()) {
        let sp = format!("{p}/secret[{}]", i + 1);
        match (secrets.get(i), b.secrets.get(i)) {
            (Some(x), Some(y)) => diff_secret(d, &sp, x, y),
            (x, y) => d.presence(&sp, x.is_some(), y.is_some()),
        }
    }
    match (cipher, &b.cipher) {
        (Some(x), Some(y)) => {
            let Cipher {
                name,
                size,
                mode,
                hash,
            } = x;
            let cp = format!("{p}/cipher");
            d.value(&format!("{cp}/@name"), Some(name), Some(&y.name));
            d.value(
                &format!("{cp}/@size"),
                Some(&size.to_string()),
                Some(&y.size.to_string()),
            );
            d.value(&format!("{cp}/@mode"), mode.as_deref(), y.mode.as_deref());
            d.value(&format!("{cp}/@hash"), hash.as_deref(), y.hash.as_deref());
        }
        (x, y) => d.presence(&format!("{p}/cipher"), x.is_some(), y.is_some()),
    }
    match (ivgen, &b.ivgen) {
        (Some(x), Some(y)) => {
            let Ivgen { name, hash } = x;
            let ip = format!("{p}/ivgen");
            d.value(&format!("{ip}/@name"), Some(name), Some(&y.name));
            d.value(&format!("{ip}/@hash"), hash.as_deref(), y.hash.as_deref());
        }
        (x, y) => d.presence(&format!("{p}/ivgen"), x.is_some(), y.is_some()),
    }
}
