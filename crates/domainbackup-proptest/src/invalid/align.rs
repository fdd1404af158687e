//! Breaches of alignment with the domain (`align.*`, aligned modes only): definitions that
//! libvirt's parser accepts and the upstream test's fake domain refuses. The prepared
//! definition is the breach; the written tree is left as it is.
//!
//! A list of breaches, in the order they are listed (part of the order of
//! [`super::rule_ids`], which generated documents depend on): nothing here may reorder
//! them or hold edits other stages use (those live in [`super::edits`]).

use super::edits::first_disk_with_store;
use super::{Breach, Scope, values};
use domainbackup_model::model::{BackupDisk, DiskBackupMode};
use domainbackup_model::rules;

/// The alignment breaches, after the internal parse errors.
pub(super) fn breaches() -> Vec<Breach> {
    vec![
        // ---- alignment (fake domain) ----
        Breach {
            rule: &rules::ALIGN_DISK_SPECIFIED_TWICE,
            variant: None,
            name: "",
            scope: Scope::Aligned,
            only: None,
            prepare: |def, profile| {
                first_disk_with_store(def, profile);
                let again = BackupDisk {
                    name: "vdzz".into(),
                    backup: false,
                    ..BackupDisk::default()
                };
                def.disks.insert(1, again);
            },
            edit: |_, _| values(&["vdzz"]),
        },
        Breach {
            rule: &rules::ALIGN_INCREMENTAL_WITHOUT_CHECKPOINT,
            variant: None,
            name: "",
            scope: Scope::Aligned,
            only: None,
            prepare: |def, profile| {
                first_disk_with_store(def, profile);
                def.incremental = None;
                if let Some(d) = def.disks.first_mut() {
                    d.backup_mode = DiskBackupMode::Incremental;
                    d.incremental = None;
                }
            },
            edit: |_, _| values(&["vdzz"]),
        },
    ]
}
