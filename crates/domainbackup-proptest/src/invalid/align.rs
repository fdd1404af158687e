//! Breaches of alignment with the domain (`align.*`, aligned modes only): definitions that
//! libvirt's parser accepts and the upstream test's fake domain refuses. The prepared
//! definition is the breach; the written tree is left as it is.
//!
//! A list of breaches, in the order they are listed (part of the order of
//! [`super::rule_ids`], which generated documents depend on): nothing here may reorder
//! them or hold edits other stages use (those live in [`super::edits`]).

use super::edits::first_disk_with_store;
use super::{Breach, Scope, breach, values};
use domainbackup_model::model::{BackupDisk, DiskBackupMode};
use domainbackup_model::rules;

/// The alignment breaches, after the internal parse errors.
pub(super) fn breaches() -> Vec<Breach> {
    vec![
        // ---- alignment (fake domain) ----
        breach(
            Scope::Aligned,
            &rules::ALIGN_DISK_SPECIFIED_TWICE,
            |def, profile| {
                first_disk_with_store(def, profile);
                let again = BackupDisk {
                    name: "vdzz".into(),
                    backup: false,
                    ..BackupDisk::default()
                };
                def.disks.insert(1, again);
            },
            |_, _| values(&["vdzz"]),
        ),
        breach(
            Scope::Aligned,
            &rules::ALIGN_INCREMENTAL_WITHOUT_CHECKPOINT,
            |def, profile| {
                first_disk_with_store(def, profile);
                def.incremental = None;
                if let Some(d) = def.disks.first_mut() {
                    d.backup_mode = DiskBackupMode::Incremental;
                    d.incremental = None;
                }
            },
            |_, _| values(&["vdzz"]),
        ),
    ]
}
