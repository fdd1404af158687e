//! Intents for an emitter campaign: the generator's valid definitions as intents, intents
//! libvirt refuses (one value made wrong the way a tool's user gets it wrong), and values
//! that stress escaping. Intent `i` depends only on the seed, `i` and the profiles, so
//! every prefix of a campaign is the same in every run.
//!
//! Nothing here decides what libvirt does with an intent: that is the judge's, from the
//! reference's document for it.

use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};

use crate::conform::case::Rng;
use crate::conform::generated::seeded_runner;
use crate::model::DomainBackup;
use crate::{Mode, Profile};

use super::from_model::intent_of;
use super::intent::{BackupIntent, DiskIntent, StoreIntent};

/// One intent of a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedIntent {
    /// Its number in the campaign.
    pub index: usize,
    /// The libvirt version it is for.
    pub profile: Profile,
    /// What kind of intent it is: `valid`, `valid, defaults left out`, `invalid: WHAT`,
    /// `escaping: FIELD`.
    pub kind: String,
    /// The intent.
    pub intent: BackupIntent,
}

/// Values a tool must escape, or cannot write at all (control characters, which XML 1.0
/// has no way to carry: libvirt refuses every spelling of them).
pub const STRESS_VALUES: [&str; 14] = [
    "a&b",
    "a<b>c",
    "it's",
    "say \"hi\"",
    "&amp;",
    "tab\there",
    "line\nbreak",
    "cr\rlf",
    " padded ",
    "\u{e9}t\u{e9} \u{fc}n\u{ef}c\u{f8}d\u{e9}",
    "\u{63a7}\u{5236}",
    "\u{1f4be}",
    "ctl\u{1}byte",
    "]]>",
];

/// How an intent libvirt refuses is made from a valid one.
const BREAKS: [&str; 12] = [
    "mode in another case",
    "mode empty",
    "port out of range",
    "port not a number",
    "server name empty",
    "disk name empty",
    "disk name with a blank",
    "path relative",
    "backup spelt as a boolean",
    "tls spelt as a boolean",
    "disk type unknown",
    "cipher size not a number",
];

/// The intents of campaigns with the profiles given.
pub struct IntentSource {
    definitions: Vec<(Profile, BoxedStrategy<DomainBackup>)>,
}

impl IntentSource {
    /// A source for `profiles` (none: every modelled profile).
    pub fn new(profiles: &[Profile]) -> IntentSource {
        let profiles = if profiles.is_empty() {
            Profile::ALL.to_vec()
        } else {
            profiles.to_vec()
        };
        IntentSource {
            definitions: profiles
                .into_iter()
                .map(|p| (p, crate::generator::definitions(p, Mode::Parse)))
                .collect(),
        }
    }

    /// Intent `index` of the campaign seeded `seed` (`None` where the generator gave up).
    /// A quarter each: valid, valid with libvirt's defaults left out, invalid, escaping.
    pub fn intent(&self, seed: u64, index: usize) -> Option<GeneratedIntent> {
        let (profile, definitions) = &self.definitions[index % self.definitions.len()];
        let mut runner = seeded_runner(seed, index as u64, *b"emitters");
        let definition = definitions.new_tree(&mut runner).ok()?.current();
        let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut intent = intent_of(&definition);
        let kind = match (index / self.definitions.len()) % 4 {
            0 => "valid".to_string(),
            1 => {
                leave_out_defaults(&mut intent, &mut rng);
                "valid, defaults left out".to_string()
            }
            2 => format!("invalid: {}", break_intent(&mut intent, &mut rng)),
            _ => format!("escaping: {}", stress(&mut intent, &mut rng)),
        };
        Some(GeneratedIntent {
            index,
            profile: *profile,
            kind,
            intent,
        })
    }
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[(rng.next_u64() % items.len() as u64) as usize]
}

/// Leaves out values that are libvirt's defaults anyway, each with even odds: `mode='push'`,
/// `backup='yes'`, `transport='tcp'`.
fn leave_out_defaults(intent: &mut BackupIntent, rng: &mut Rng) {
    if intent.mode.as_deref() == Some("push") && rng.next_u64() % 2 == 0 {
        intent.mode = None;
    }
    if let Some(server) = &mut intent.server {
        if server.transport.as_deref() == Some("tcp") && rng.next_u64() % 2 == 0 {
            server.transport = None;
        }
    }
    for disk in intent.disks.iter_mut().flatten() {
        if disk.backup.as_deref() == Some("yes") && rng.next_u64() % 2 == 0 {
            disk.backup = None;
        }
    }
}

fn disks(intent: &mut BackupIntent) -> &mut Vec<DiskIntent> {
    intent.disks.get_or_insert_with(Vec::new)
}

/// A disk of `intent` (one is added when it has none).
fn some_disk<'a>(intent: &'a mut BackupIntent, rng: &mut Rng) -> &'a mut DiskIntent {
    let push = intent.mode.as_deref() != Some("pull");
    let list = disks(intent);
    if list.is_empty() {
        list.push(DiskIntent {
            name: Some("vda".into()),
            backup: Some("yes".into()),
            kind: Some("file".into()),
            target: push.then(|| StoreIntent {
                file: Some("/var/lib/backup/vda.qcow2".into()),
                ..StoreIntent::default()
            }),
            scratch: (!push).then(|| StoreIntent {
                file: Some("/var/tmp/vda.scratch".into()),
                ..StoreIntent::default()
            }),
            ..DiskIntent::default()
        });
    }
    let at = (rng.next_u64() % list.len() as u64) as usize;
    &mut list[at]
}

/// The store of `disk` its mode writes (`<target>` in push mode, `<scratch>` in pull),
/// made when it has none.
fn store(disk: &mut DiskIntent, push: bool) -> &mut StoreIntent {
    disk.backup = Some("yes".into());
    if disk.kind.is_none() {
        disk.kind = Some("file".into());
    }
    let slot = if push {
        &mut disk.target
    } else {
        &mut disk.scratch
    };
    slot.get_or_insert_with(StoreIntent::default)
}

/// Makes `intent` one libvirt refuses, the way a tool's user would get it wrong; says how.
fn break_intent(intent: &mut BackupIntent, rng: &mut Rng) -> &'static str {
    let how = *pick(rng, &BREAKS);
    let push = intent.mode.as_deref() != Some("pull");
    match how {
        "mode in another case" => {
            intent.mode = Some(if push { "Push" } else { "PULL" }.into());
        }
        "mode empty" => intent.mode = Some(String::new()),
        "port out of range"
        | "port not a number"
        | "server name empty"
        | "tls spelt as a boolean" => {
            intent.mode = Some("pull".into());
            let server = intent.server.get_or_insert_with(Default::default);
            if server.transport.as_deref().is_some_and(|t| t != "tcp") {
                server.transport = Some("tcp".into());
                server.socket = None;
                server.fdgroup = None;
            }
            if server.name.is_none() {
                server.name = Some("localhost".into());
            }
            match how {
                "port out of range" => {
                    server.port =
                        Some((*pick(rng, &["65536", "70000", "4294967296", "-1"])).to_string())
                }
                "port not a number" => {
                    server.port =
                        Some((*pick(rng, &["0x50", " 80", "80 ", "ten", "1e3", ""])).to_string())
                }
                "server name empty" => server.name = Some(String::new()),
                _ => server.tls = Some((*pick(rng, &["true", "True", "1", "on"])).to_string()),
            }
            // A push backup's targets are no pull backup's scratch files.
            for disk in intent.disks.iter_mut().flatten() {
                if let Some(target) = disk.target.take() {
                    disk.scratch = Some(target);
                }
            }
        }
        "disk name empty" => some_disk(intent, rng).name = Some(String::new()),
        "disk name with a blank" => some_disk(intent, rng).name = Some("vd a".into()),
        "path relative" => {
            let disk = some_disk(intent, rng);
            let store = store(disk, push);
            let relative = Some("backups/vda.qcow2".to_string());
            if disk_is_block(store) {
                store.dev = relative;
            } else {
                store.file = relative;
            }
        }
        "backup spelt as a boolean" => {
            some_disk(intent, rng).backup = Some((*pick(rng, &["True", "true", "1"])).to_string())
        }
        "disk type unknown" => {
            some_disk(intent, rng).kind =
                Some((*pick(rng, &["network", "dir", "File"])).to_string())
        }
        _ => {
            let disk = some_disk(intent, rng);
            let store = store(disk, push);
            let encryption = store.encryption.get_or_insert_with(Default::default);
            encryption.format = Some("luks".into());
            let cipher = encryption.cipher.get_or_insert_with(Default::default);
            cipher.name.get_or_insert_with(|| "aes".into());
            cipher.size = Some((*pick(rng, &["256bits", "", "-256", "0x100"])).to_string());
        }
    }
    how
}

fn disk_is_block(store: &StoreIntent) -> bool {
    store.dev.is_some() && store.file.is_none()
}

/// Puts a value that needs escaping into a free-text field the mode has; says which field.
fn stress(intent: &mut BackupIntent, rng: &mut Rng) -> String {
    let value = (*pick(rng, &STRESS_VALUES)).to_string();
    let pull = intent.mode.as_deref() == Some("pull");
    let fields: &[&str] = if pull {
        &[
            "incremental",
            "disk incremental",
            "exportname",
            "exportbitmap",
            "seclabel label",
        ]
    } else {
        &["incremental", "disk incremental", "seclabel label"]
    };
    let field = *pick(rng, fields);
    match field {
        "incremental" => intent.incremental = Some(value.clone()),
        "seclabel label" => {
            let disk = some_disk(intent, rng);
            let store = store(disk, !pull);
            store.seclabels = Some(vec![super::intent::SeclabelIntent {
                model: Some("dac".into()),
                labels: Some(vec![value.clone()]),
                ..Default::default()
            }]);
        }
        _ => {
            let disk = some_disk(intent, rng);
            disk.backup = Some("yes".into());
            if field == "disk incremental" {
                disk.backupmode = Some("incremental".into());
            }
            let slot = match field {
                "disk incremental" => &mut disk.incremental,
                "exportname" => &mut disk.exportname,
                _ => &mut disk.exportbitmap,
            };
            *slot = Some(value.clone());
        }
    }
    format!("{field} {}", serde_json::Value::from(value))
}
