//! Strategies for valid backup definitions, built from the grammar: every value is drawn so
//! that some spelling of it passes the schema (for public parses) and libvirt's C parser,
//! and so that it is exactly what the parser reads back. Simplest alternatives come first so
//! that shrinking moves towards small documents.
//!
//! Nothing here writes text; see [`super::render`].

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use domainbackup_model::Profile;
use domainbackup_model::align::{Domain, DomainDisk, SourceType};
use domainbackup_model::model::{
    BackupDisk, BackupMode, BackupStore, Cipher, DiskBackupMode, DiskState, DomainBackup,
    Encryption, EncryptionEngine, EncryptionFormat, Ivgen, PullServer, Seclabel, SecretLookup,
    StorageFormat, StoreType, Transport,
};

/// What kind of parse the values must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// The libvirt version.
    pub profile: Profile,
    /// Internal parse: no schema, status-only fields allowed.
    pub internal: bool,
}

/// Characters for free text in attribute values: plain ASCII, the five characters XML must
/// escape, and non-ASCII. No TAB, LF or CR: a literal one would be normalized to a space,
/// and libvirt prints them raw, so they cannot survive a second parse.
/// Drawn with weights 6:2:2:2:1 over the five classes.
const CHAR_CLASSES: [&[char]; 5] = [
    &[
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
        's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
    ],
    &['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    &['-', '.', '_', '/', ':', ' ', '@', '=', '+'],
    &['<', '>', '&', '\'', '"'],
    &['é', 'ü', 'ß', 'λ', '日', '本', '€', '😀', '\u{A0}'],
];

/// A number below `n` from the runner's generator.
fn below(rng: &mut proptest::test_runner::TestRng, n: usize) -> usize {
    super::scale(rng.next_u64(), n)
}

/// A length in `min..=max`.
fn length(rng: &mut proptest::test_runner::TestRng, min: usize, max: usize) -> usize {
    min + below(rng, max - min + 1)
}

/// Free text of `min..=max` characters drawn straight from the runner's generator: one
/// value, not a value tree per character (that was most of the cost of drawing a
/// definition). With `controls`, one character in eleven is LF or TAB (element text keeps
/// them).
#[derive(Debug, Clone, Copy)]
struct FreeText {
    min: usize,
    max: usize,
    controls: bool,
}

impl Strategy for FreeText {
    type Tree = FreeTextTree;
    type Value = String;

    fn new_tree(
        &self,
        runner: &mut proptest::test_runner::TestRunner,
    ) -> proptest::strategy::NewTree<Self> {
        let rng = runner.rng();
        let len = length(rng, self.min, self.max);
        let chars = (0..len)
            .map(|_| {
                if self.controls && below(rng, 11) == 10 {
                    return if below(rng, 2) == 0 { '\t' } else { '\n' };
                }
                let class = match below(rng, 13) {
                    0..=5 => CHAR_CLASSES[0],
                    6 | 7 => CHAR_CLASSES[1],
                    8 | 9 => CHAR_CLASSES[2],
                    10 | 11 => CHAR_CLASSES[3],
                    _ => CHAR_CLASSES[4],
                };
                class[below(rng, class.len())]
            })
            .collect();
        Ok(FreeTextTree::new(chars, self.min, ['a', 'a']))
    }
}

/// The value tree of [`FreeText`] and [`Word`]: shrinks by dropping characters from the end
/// while that still fails, then by turning each character into the simplest one allowed
/// there, one at a time.
#[derive(Debug, Clone)]
struct FreeTextTree {
    chars: Vec<char>,
    min: usize,
    /// The simplest character: first, and anywhere else.
    floor: [char; 2],
    /// The value before the last simplification (what `complicate` goes back to).
    previous: Option<Vec<char>>,
    /// Still dropping characters from the end.
    shortening: bool,
    /// The next character to simplify.
    next: usize,
}

impl FreeTextTree {
    /// The tree of `chars`, never shorter than `min`, simplest characters `floor`.
    fn new(chars: Vec<char>, min: usize, floor: [char; 2]) -> FreeTextTree {
        FreeTextTree {
            chars,
            min,
            floor,
            previous: None,
            shortening: true,
            next: 0,
        }
    }
}

impl proptest::strategy::ValueTree for FreeTextTree {
    type Value = String;

    fn current(&self) -> String {
        self.chars.iter().collect()
    }

    fn simplify(&mut self) -> bool {
        if self.shortening && self.chars.len() > self.min {
            self.previous = Some(self.chars.clone());
            self.chars.pop();
            return true;
        }
        self.shortening = false;
        while self.next < self.chars.len() {
            let i = self.next;
            self.next += 1;
            let floor = self.floor[usize::from(i > 0)];
            if self.chars[i] != floor {
                self.previous = Some(self.chars.clone());
                self.chars[i] = floor;
                return true;
            }
        }
        false
    }

    fn complicate(&mut self) -> bool {
        match self.previous.take() {
            Some(previous) => {
                // The simpler value passed: go back, and stop shortening (a shorter one
                // passes too).
                self.chars = previous;
                self.shortening = false;
                true
            }
            None => false,
        }
    }
}

/// Free text for attributes, possibly empty.
pub fn attribute_text(max: usize) -> impl Strategy<Value = String> {
    FreeText {
        min: 0,
        max,
        controls: false,
    }
}

/// Free text for attributes, never empty.
pub fn nonempty_attribute_text(max: usize) -> impl Strategy<Value = String> {
    FreeText {
        min: 1,
        max,
        controls: false,
    }
}

/// Element text (`<incremental>`, `<label>`): attribute characters plus LF and TAB (which
/// text keeps), never empty; whitespace-only values are included.
pub fn element_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => FreeText { min: 1, max, controls: true },
        1 => prop::sample::select(vec![" ", "  ", "\n", " \t "]).prop_map(str::to_string),
    ]
}

/// `Some` of a value of `strategy` with probability `probability`. Unlike `option::of`
/// (a union), it draws the value either way: for a cheap value that costs less than the
/// copy of the generator a union makes for the branch it does not take. Shrinks to `None`.
fn maybe<S: Strategy>(probability: f64, strategy: S) -> impl Strategy<Value = Option<S::Value>> {
    (prop::bool::weighted(probability), strategy).prop_map(|(some, value)| some.then_some(value))
}

/// A word over ASCII character sets: one character from `first` (none when it is empty),
/// then `min..=max` from `rest`; what a regular expression such as `[a-z][a-z0-9-]{0,12}`
/// generates, drawn directly like [`FreeText`].
#[derive(Debug, Clone, Copy)]
struct Word {
    first: &'static [u8],
    rest: &'static [u8],
    min: usize,
    max: usize,
}

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8] = b"0123456789";

impl Strategy for Word {
    type Tree = FreeTextTree;
    type Value = String;

    fn new_tree(
        &self,
        runner: &mut proptest::test_runner::TestRunner,
    ) -> proptest::strategy::NewTree<Self> {
        let rng = runner.rng();
        let len = length(rng, self.min, self.max);
        let mut chars = Vec::with_capacity(len + 1);
        if !self.first.is_empty() {
            chars.push(char::from(self.first[below(rng, self.first.len())]));
        }
        chars.extend((0..len).map(|_| char::from(self.rest[below(rng, self.rest.len())])));
        let head = usize::from(!self.first.is_empty());
        let floor_rest = char::from(self.rest[0]);
        let floor_first = self.first.first().map_or(floor_rest, |&b| char::from(b));
        Ok(FreeTextTree::new(
            chars,
            head + self.min,
            [floor_first, floor_rest],
        ))
    }
}

fn word(first: &'static [u8], rest: &'static [u8], min: usize, max: usize) -> Word {
    Word {
        first,
        rest,
        min,
        max,
    }
}

/// A checkpoint name: usually a simple token, sometimes any text.
fn checkpoint() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => word(LOWER, b"abcdefghijklmnopqrstuvwxyz0123456789-", 0, 12),
        1 => word(b"", DIGITS, 10, 10),
        1 => nonempty_attribute_text(16),
    ]
}

/// A disk target name matching `diskTargetDev`.
pub fn disk_name() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.05),
        prop::sample::select(vec!["vd", "sd", "hd", "xvd", "fd", "ubd"]),
        word(LOWER, b"abcdefghijklmnopqrstuvwxyz0123456789_", 0, 3),
    )
        .prop_map(|(ioemu, bus, rest)| format!("{}{bus}{rest}", if ioemu { "ioemu:" } else { "" }))
}

/// An absolute path matching `absFilePath` (`/` and at least one more character).
pub fn abs_path() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => vec(word(b"/", b"abcdefghijklmnopqrstuvwxyz0123456789_.-", 1, 10), 1..=4)
            .prop_map(|parts| parts.concat()),
        1 => nonempty_attribute_text(12).prop_map(|t| format!("/{t}")),
    ]
}

/// A host name label: `[a-z][a-z0-9-]{0,8}`.
fn label() -> Word {
    word(LOWER, b"abcdefghijklmnopqrstuvwxyz0123456789-", 0, 8)
}

fn host_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("localhost".to_string()),
        3 => (label(), vec(label(), 0..=3))
            .prop_map(|(first, more)| more.iter().fold(first, |name, l| format!("{name}.{l}"))),
        2 => (0u8..=255, 0u8..=255, 0u8..=255, 1u8..=254).prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        2 => prop::sample::select(vec!["::1", "fe80::1", "2001:db8::42", "2001:db8:0:0:1:0:0:1"]).prop_map(str::to_string),
    ]
}

fn server(target: Target) -> BoxedStrategy<PullServer> {
    let tls = || maybe(0.5, any::<bool>());
    let tcp = (
        tls(),
        host_name(),
        (0u8..4, 1u32..=65535).prop_map(|(w, port)| if w == 0 { 0 } else { port }),
    )
        .prop_map(|(tls, name, port)| PullServer {
            transport: Transport::Tcp,
            tls,
            name: Some(name),
            port,
            ..PullServer::default()
        });
    let unix = (tls(), abs_path()).prop_map(|(tls, socket)| PullServer {
        transport: Transport::Unix,
        tls,
        socket: Some(socket),
        ..PullServer::default()
    });
    if target.profile.has_fd_transport() {
        let fd = (tls(), attribute_text(8)).prop_map(|(tls, group)| PullServer {
            transport: Transport::Fd,
            tls,
            fdgroup: Some(group),
            ..PullServer::default()
        });
        prop_oneof![3 => tcp, 1 => unix, 1 => fd].boxed()
    } else {
        prop_oneof![3 => tcp, 1 => unix].boxed()
    }
}

fn seclabels() -> impl Strategy<Value = Vec<Seclabel>> {
    let one = (
        maybe(
            0.7,
            (
                0u8..4,
                prop::sample::select(vec!["dac", "selinux", "apparmor"]),
                attribute_text(8),
            )
                .prop_map(|(w, known, other)| if w < 3 { known.to_string() } else { other }),
        ),
        0u8..3,
        element_text(24),
    )
        .prop_map(|(model, form, label)| match form {
            0 => Seclabel {
                model,
                norelabel: true,
                labelskip: false,
                label: None,
            },
            1 => Seclabel {
                model,
                norelabel: false,
                labelskip: true,
                label: None,
            },
            _ => Seclabel {
                model,
                norelabel: false,
                labelskip: false,
                label: Some(label),
            },
        });
    vec(one, 0..3).prop_map(|mut labels| {
        // Two seclabels with the same model are refused (S1): keep the first of each model.
        let mut seen = std::collections::HashSet::new();
        labels.retain(|l| l.model.as_ref().is_none_or(|m| seen.insert(m.clone())));
        labels
    })
}

fn uuid() -> impl Strategy<Value = [u8; 16]> {
    any::<[u8; 16]>()
}

fn encryption(target: Target) -> BoxedStrategy<Encryption> {
    let secret = prop_oneof![
        uuid().prop_map(SecretLookup::Uuid),
        attribute_text(16).prop_map(SecretLookup::Usage)
    ];
    let cipher = (
        nonempty_attribute_text(8),
        any::<u32>(),
        option::of((attribute_text(6), attribute_text(6))),
        nonempty_attribute_text(8),
        option::of(attribute_text(6)),
    )
        .prop_map(|(name, size, mode_hash, ivgen, ivhash)| {
            let (mode, hash) = match mode_hash {
                Some((m, h)) => (Some(m), Some(h)),
                None => (None, None),
            };
            (
                Cipher {
                    name,
                    size,
                    mode,
                    hash,
                },
                Ivgen {
                    name: ivgen,
                    hash: ivhash,
                },
            )
        });
    let engine = prop_oneof![
        Just(EncryptionEngine::Default),
        Just(EncryptionEngine::Qemu)
    ];
    if target.internal {
        // Without the schema: any format, any number of secrets, librbd, a cipher alone.
        let formats = EncryptionFormat::ALL
            .into_iter()
            .filter(|f| *f != EncryptionFormat::LuksAny || target.profile.has_luks_any_encryption())
            .collect::<Vec<_>>();
        let format = prop::sample::select(formats);
        let engine = prop_oneof![engine, Just(EncryptionEngine::Librbd)];
        (
            format,
            engine,
            vec(secret, 0..3),
            option::of(cipher),
            any::<bool>(),
        )
            .prop_map(|(format, engine, secrets, cipher, with_ivgen)| {
                let (cipher, ivgen) = match (format, cipher) {
                    (EncryptionFormat::Luks, Some((c, i))) => (Some(c), with_ivgen.then_some(i)),
                    _ => (None, None),
                };
                Encryption {
                    format,
                    engine,
                    secrets,
                    cipher,
                    ivgen,
                }
            })
            .boxed()
    } else {
        (engine, secret, option::of(cipher))
            .prop_map(|(engine, secret, cipher)| {
                let (cipher, ivgen) = match cipher {
                    Some((c, i)) => (Some(c), Some(i)),
                    None => (None, None),
                };
                Encryption {
                    format: EncryptionFormat::Luks,
                    engine,
                    secrets: vec![secret],
                    cipher,
                    ivgen,
                }
            })
            .boxed()
    }
}

/// A store (`<target>` or `<scratch>` with `<driver>`) that a disk of `mode` can spell.
fn store(target: Target, mode: BackupMode) -> BoxedStrategy<BackupStore> {
    let format = match mode {
        BackupMode::Push => maybe(0.5, prop::sample::select(StorageFormat::ALL.to_vec())).boxed(),
        BackupMode::Pull => maybe(0.5, Just(StorageFormat::Qcow2)).boxed(),
    };
    let index = if target.internal {
        (0u8..4, any::<u32>())
            .prop_map(|(w, index)| if w < 3 { 0 } else { index })
            .boxed()
    } else {
        Just(0u32).boxed()
    };
    let fdgroup = if target.internal {
        maybe(0.2, attribute_text(6)).boxed()
    } else {
        Just(None).boxed()
    };
    let with_path = (
        prop::sample::select(vec![StoreType::File, StoreType::Block]),
        abs_path(),
        format.clone(),
        seclabels(),
        option::weighted(0.3, encryption(target)),
        index.clone(),
        fdgroup,
    )
        .prop_map(
            |(kind, path, format, seclabels, encryption, index, fdgroup)| BackupStore {
                kind,
                fdgroup: if kind == StoreType::File {
                    fdgroup
                } else {
                    None
                },
                path: Some(path),
                format,
                index,
                seclabels,
                encryption,
                ..BackupStore::default()
            },
        );
    // Without a path there is no <target>/<scratch> element to carry children; pull allows
    // no driver without a scratch, and a pull block disk needs its scratch.
    let without_path = match mode {
        BackupMode::Push => (
            prop::sample::select(vec![StoreType::File, StoreType::Block]),
            format,
            index,
        )
            .prop_map(|(kind, format, index)| BackupStore {
                kind,
                format,
                index,
                ..BackupStore::default()
            })
            .boxed(),
        BackupMode::Pull => index
            .prop_map(|index| BackupStore {
                index,
                ..BackupStore::default()
            })
            .boxed(),
    };
    prop_oneof![1 => without_path, 2 => with_path].boxed()
}

fn disk(target: Target, mode: BackupMode) -> BoxedStrategy<BackupDisk> {
    let name = disk_name().boxed();
    let state = if target.internal {
        prop::sample::select(DiskState::ALL.to_vec()).boxed()
    } else {
        Just(DiskState::None).boxed()
    };
    // A backup='no' disk is read no further than its name: no state, no store.
    let skipped = name.clone().prop_map(|name| BackupDisk {
        name,
        backup: false,
        ..BackupDisk::default()
    });
    let export = match mode {
        BackupMode::Push => Just((None, None)).boxed(),
        BackupMode::Pull => (
            maybe(0.5, attribute_text(10)),
            maybe(0.5, attribute_text(10)),
        )
            .boxed(),
    };
    let backed_up = (
        name,
        state,
        prop::sample::select(vec![
            DiskBackupMode::Default,
            DiskBackupMode::Full,
            DiskBackupMode::Incremental,
        ]),
        maybe(
            0.4,
            (0u8..5, checkpoint()).prop_map(|(w, c)| if w == 4 { String::new() } else { c }),
        ),
        export,
        store(target, mode),
    )
        .prop_map(
            |(name, state, backup_mode, incremental, (export_name, export_bitmap), store)| {
                BackupDisk {
                    name,
                    backup: true,
                    state,
                    // The schema has no `incremental=` beside backupmode='full'.
                    incremental: if backup_mode == DiskBackupMode::Full {
                        None
                    } else {
                        incremental
                    },
                    backup_mode,
                    export_name,
                    export_bitmap,
                    store: Some(store),
                }
            },
        );
    prop_oneof![1 => skipped, 3 => backed_up].boxed()
}

/// A valid definition as libvirt's parser reads it (before alignment).
pub fn definition(target: Target) -> BoxedStrategy<DomainBackup> {
    // The two modes' strategies are built once, not per drawn value (a `prop_flat_map`
    // would rebuild every sub-strategy for each case).
    prop_oneof![
        definition_in(target, BackupMode::Push),
        definition_in(target, BackupMode::Pull)
    ]
    .boxed()
}

fn definition_in(target: Target, mode: BackupMode) -> BoxedStrategy<DomainBackup> {
    let server = match mode {
        BackupMode::Push => Just(None).boxed(),
        BackupMode::Pull => server(target).prop_map(Some).boxed(),
    };
    let aliases = if target.internal {
        (
            maybe(0.3, nonempty_attribute_text(8)),
            maybe(0.3, nonempty_attribute_text(8)),
        )
            .boxed()
    } else {
        Just((None, None)).boxed()
    };
    (
        maybe(
            0.6,
            (0u8..9, checkpoint()).prop_map(|(w, c)| if w == 8 { " ".to_string() } else { c }),
        ),
        server,
        vec(disk(target, mode), 0..5),
        aliases,
    )
        .prop_map(
            move |(incremental, server, disks, (tls_secret_alias, tls_alias))| DomainBackup {
                mode,
                incremental,
                server,
                disks,
                unset_disks: 0,
                tls_secret_alias,
                tls_alias,
            },
        )
        .boxed()
}

/// Makes `def` align cleanly against the upstream test's fake domain: names unique, and an
/// incremental backup mode always has a checkpoint to use.
pub fn make_alignable(def: &mut DomainBackup) {
    let mut seen = std::collections::HashSet::new();
    def.disks.retain(|d| seen.insert(d.name.clone()));
    let top = def.incremental.is_some();
    for disk in &mut def.disks {
        if disk.backup_mode == DiskBackupMode::Incremental && disk.incremental.is_none() && !top {
            disk.incremental = Some("checkpoint".to_string());
        }
    }
}

/// A definition together with a domain it aligns against without error: every listed disk
/// exists; unlisted disks may be read-only, empty or not file-backed wherever alignment
/// does not need to generate a file name for them.
pub fn aligned_definition(target: Target) -> BoxedStrategy<(DomainBackup, Domain)> {
    let extra = vec(
        (
            disk_name(),
            prop::sample::select(vec![
                SourceType::File,
                SourceType::Block,
                SourceType::Network,
                SourceType::None,
                SourceType::Dir,
            ]),
            option::of(abs_path()),
            any::<bool>(),
            any::<bool>(),
        ),
        0..4,
    );
    (definition(target), extra, vec(any::<bool>(), 8))
        .prop_map(move |(mut def, extra, readonly)| {
            make_alignable(&mut def);
            let listed: std::collections::HashSet<String> =
                def.disks.iter().map(|d| d.name.clone()).collect();
            let backup_all = def.disks.is_empty();
            let mut disks = Vec::new();
            for (i, d) in def.disks.iter().enumerate() {
                let needs_file = d.backup
                    && target.profile.align_generates_path_for_listed_disks()
                    && d.store.as_ref().is_none_or(|s| s.path.is_none());
                let source_type = if needs_file || i % 2 == 0 {
                    SourceType::File
                } else {
                    SourceType::Block
                };
                disks.push(DomainDisk {
                    target: d.name.clone(),
                    source_type,
                    path: Some(format!("/images/{}.qcow2", d.name.replace(':', "_"))),
                    network_protocol: false,
                    readonly: readonly.get(i).copied().unwrap_or(false) && !d.backup,
                });
            }
            for (name, source_type, path, protocol, readonly) in extra {
                if listed.contains(&name) || disks.iter().any(|d: &DomainDisk| d.target == name) {
                    continue;
                }
                let mut disk = DomainDisk {
                    target: name,
                    source_type,
                    path,
                    network_protocol: protocol,
                    readonly,
                };
                // With no <disks>, every unlisted writable disk with media is backed up and
                // needs a generated file name: it must then be a file.
                if backup_all && !disk.readonly && !disk.is_empty() {
                    disk.source_type = SourceType::File;
                    if disk.path.is_none() {
                        disk.path = Some("/images/extra.img".to_string());
                    }
                }
                disks.push(disk);
            }
            if disks.is_empty() {
                disks.push(DomainDisk::file("vda", "/images/vda.qcow2"));
            }
            (def, Domain { disks })
        })
        .boxed()
}
