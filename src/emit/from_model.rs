//! The intent that says exactly what a parsed definition holds: every value libvirt keeps,
//! spelled as libvirt prints it, so that the reference's document for it reads back as the
//! same definition. The generator's valid definitions become valid intents this way.

use super::intent::{
    BackupIntent, CipherIntent, DiskIntent, EncryptionIntent, IvgenIntent, SeclabelIntent,
    SecretIntent, ServerIntent, StoreIntent,
};
use crate::model::{
    BackupDisk, BackupMode, BackupStore, Encryption, Seclabel, SecretLookup, StoreType,
};
use crate::{DomainBackup, xml};

/// The intent of `definition` (a definition as a public parse reads it: status-only parts
/// such as disk states, indexes and private data have no field and are left out).
pub fn intent_of(definition: &DomainBackup) -> BackupIntent {
    let push = definition.mode == BackupMode::Push;
    BackupIntent {
        mode: Some(definition.mode.as_str().to_string()),
        incremental: definition.incremental.clone(),
        server: definition.server.as_ref().map(|server| ServerIntent {
            transport: Some(server.transport.as_str().to_string()),
            tls: server.tls.map(|tls| yes_no(tls).to_string()),
            name: server.name.clone(),
            port: (server.port != 0).then(|| server.port.to_string()),
            socket: server.socket.clone(),
            fdgroup: server.fdgroup.clone(),
        }),
        disks: (!definition.disks.is_empty()).then(|| {
            definition
                .disks
                .iter()
                .map(|disk| disk_intent(disk, push))
                .collect()
        }),
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn disk_intent(disk: &BackupDisk, push: bool) -> DiskIntent {
    let mut intent = DiskIntent {
        name: Some(disk.name.clone()),
        backup: Some(yes_no(disk.backup).to_string()),
        ..DiskIntent::default()
    };
    if !disk.backup {
        return intent;
    }
    intent.backupmode = disk.backup_mode.as_str().map(str::to_string);
    intent.incremental = disk.incremental.clone();
    intent.exportname = disk.export_name.clone();
    intent.exportbitmap = disk.export_bitmap.clone();
    if let Some(store) = &disk.store {
        intent.kind = Some(store.kind.as_str().to_string());
        intent.driver = store.format.map(|f| f.as_str().to_string());
        let store = store_intent(store);
        if push {
            intent.target = store;
        } else {
            intent.scratch = store;
        }
    }
    intent
}

/// The `<target>` or `<scratch>` of `store`; none when it would be an empty element (libvirt
/// prints none for a store without a path, seclabels or encryption).
fn store_intent(store: &BackupStore) -> Option<StoreIntent> {
    let mut intent = StoreIntent::default();
    match store.kind {
        StoreType::File => intent.file = store.path.clone(),
        StoreType::Block => intent.dev = store.path.clone(),
    }
    if !store.seclabels.is_empty() {
        intent.seclabels = Some(store.seclabels.iter().map(seclabel_intent).collect());
    }
    intent.encryption = store.encryption.as_ref().map(encryption_intent);
    (intent != StoreIntent::default()).then_some(intent)
}

fn seclabel_intent(seclabel: &Seclabel) -> SeclabelIntent {
    SeclabelIntent {
        model: seclabel.model.clone(),
        relabel: (!seclabel.labelskip).then(|| yes_no(!seclabel.norelabel).to_string()),
        labelskip: seclabel.labelskip.then(|| "yes".to_string()),
        labels: seclabel.label.clone().map(|label| vec![label]),
    }
}

fn encryption_intent(encryption: &Encryption) -> EncryptionIntent {
    EncryptionIntent {
        format: Some(encryption.format.as_str().to_string()),
        engine: encryption.engine.as_str().map(str::to_string),
        secrets: (!encryption.secrets.is_empty()).then(|| {
            encryption
                .secrets
                .iter()
                .map(|secret| match secret {
                    SecretLookup::Uuid(uuid) => SecretIntent {
                        kind: Some("passphrase".to_string()),
                        uuid: Some(xml::format::format_uuid(uuid)),
                        usage: None,
                    },
                    SecretLookup::Usage(usage) => SecretIntent {
                        kind: Some("passphrase".to_string()),
                        uuid: None,
                        usage: Some(usage.clone()),
                    },
                })
                .collect()
        }),
        cipher: encryption.cipher.as_ref().map(|cipher| CipherIntent {
            name: Some(cipher.name.clone()),
            size: Some(cipher.size.to_string()),
            mode: cipher.mode.clone(),
            hash: cipher.hash.clone(),
        }),
        ivgen: encryption
            .ivgen
            .as_ref()
            .filter(|_| encryption.cipher.is_some())
            .map(|ivgen| IvgenIntent {
                name: Some(ivgen.name.clone()),
                hash: ivgen.hash.clone(),
            }),
    }
}
