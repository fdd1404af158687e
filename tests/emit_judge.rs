//! The emitter judge, with answers that must agree and answers that must not: each outcome
//! class from a document a real emitter could write for the intent.

use domainbackup_harness::Profile;
use domainbackup_harness::emit::intent::{BackupIntent, DiskIntent, ServerIntent, StoreIntent};
use domainbackup_harness::emit::judge::{
    Answer, EmitOutcome, document_path, domain_for, expect, intent_value, judge,
};
use domainbackup_harness::emit::write::domain_xml;

const P: Profile = Profile::V11_3;

/// A pull backup of two disks, `vdb` left out of the backup.
fn pull() -> BackupIntent {
    BackupIntent {
        mode: Some("pull".into()),
        server: Some(ServerIntent {
            name: Some("localhost".into()),
            port: Some("10809".into()),
            ..ServerIntent::default()
        }),
        disks: Some(vec![
            DiskIntent {
                name: Some("vda".into()),
                backup: Some("yes".into()),
                kind: Some("file".into()),
                exportname: Some("a&b".into()),
                scratch: Some(StoreIntent {
                    file: Some("/var/tmp/vda.scratch".into()),
                    ..StoreIntent::default()
                }),
                ..DiskIntent::default()
            },
            DiskIntent {
                name: Some("vdb".into()),
                backup: Some("no".into()),
                ..DiskIntent::default()
            },
        ]),
        ..BackupIntent::default()
    }
}

fn outcome_of(intent: &BackupIntent, document: &str) -> (EmitOutcome, String) {
    let judgement = judge(&expect(intent, P), &Answer::Document(document.into()), P);
    (judgement.outcome, judgement.class)
}

#[test]
fn the_references_document_and_another_spelling_agree() {
    let intent = pull();
    let expectation = expect(&intent, P);
    assert!(expectation.verdict.is_ok(), "{:?}", expectation.verdict);
    let (outcome, _) = outcome_of(&intent, &expectation.document);
    assert_eq!(outcome, EmitOutcome::Agree);
    // Other attribute order and quotes, the default transport written, `vdb` left out:
    // alignment reads a disk left out as `backup='no'`.
    let other = "<domainbackup mode=\"pull\"><disks><disk type=\"file\" exportname=\"a&amp;b\" name=\"vda\">\
                 <scratch file=\"/var/tmp/vda.scratch\"/></disk></disks>\
                 <server transport='tcp' port='10809' name='localhost'/></domainbackup>";
    assert_eq!(outcome_of(&intent, other).0, EmitOutcome::Agree);
}

#[test]
fn a_dropped_field_is_another_meaning_named_by_path() {
    let document = expect(&pull(), P)
        .document
        .replace(" exportname='a&amp;b'", "");
    let judgement = judge(&expect(&pull(), P), &Answer::Document(document), P);
    assert_eq!(judgement.outcome, EmitOutcome::OtherMeaning);
    assert_eq!(
        judgement.class,
        "accepted with another meaning: /domainbackup/disks/disk/@exportname dropped"
    );
    assert_eq!(judgement.differences.len(), 1);
    assert_eq!(
        judgement.differences[0].path,
        "/domainbackup/disks/disk[1]/@exportname"
    );
    // A changed port, an invented disk mode.
    let document = expect(&pull(), P).document.replace("10809", "10810");
    assert_eq!(
        outcome_of(&pull(), &document).1,
        "accepted with another meaning: /domainbackup/server/@port changed"
    );
}

#[test]
fn a_boolean_spelled_true_and_an_unescaped_ampersand_are_refused_by_libvirt() {
    let document = expect(&pull(), P)
        .document
        .replace("backup='yes'", "backup='True'");
    let judgement = judge(&expect(&pull(), P), &Answer::Document(document), P);
    assert_eq!(judgement.outcome, EmitOutcome::RejectedByLibvirt);
    assert!(
        judgement.class.starts_with("rejected by libvirt: schema."),
        "{}",
        judgement.class
    );
    assert!(judgement.libvirt_message.is_some());
    let document = expect(&pull(), P).document.replace("a&amp;b", "a&b");
    let (outcome, class) = outcome_of(&pull(), &document);
    assert_eq!(outcome, EmitOutcome::RejectedByLibvirt);
    assert_eq!(class, "rejected by libvirt: wf.entity-reference-syntax");
}

#[test]
fn intents_libvirt_refuses() {
    let mut intent = pull();
    intent.disks.as_mut().expect("disks")[0]
        .scratch
        .as_mut()
        .expect("scratch")
        .file = Some("relative/vda.scratch".into());
    let expectation = expect(&intent, P);
    let rejection = expectation.verdict.as_ref().expect_err("a relative path");
    // Refusing it, or writing it as it is, agrees with libvirt.
    let refused = judge(&expectation, &Answer::Refused("not absolute".into()), P);
    assert_eq!(refused.outcome, EmitOutcome::Agree);
    assert_eq!(
        outcome_of(&intent, &expectation.document).0,
        EmitOutcome::Agree
    );
    // Making the path absolute without a word is not what was asked.
    let fixed = expectation.document.replace("relative/", "/relative/");
    let (outcome, class) = outcome_of(&intent, &fixed);
    assert_eq!(outcome, EmitOutcome::InvalidMadeValid, "{class}");
    assert_eq!(
        class,
        format!(
            "invalid intent made valid: {}",
            rejection.rule_id().expect("a rule")
        )
    );
    // Refused for another reason: the mode misspelt as well.
    let other = expectation.document.replace("mode='pull'", "mode='Pull'");
    let (outcome, class) = outcome_of(&intent, &other);
    assert_eq!(outcome, EmitOutcome::RejectedByLibvirt, "{class}");
}

#[test]
fn refusals_unsupported_fields_and_failures() {
    let expectation = expect(&pull(), P);
    let refused = judge(&expectation, &Answer::Refused("no pull mode".into()), P);
    assert_eq!(refused.outcome, EmitOutcome::Refused);
    assert!(refused.outcome.is_disagreement());
    let unsupported = judge(
        &expectation,
        &Answer::Unsupported(vec![
            "server.tls".into(),
            "disks[0].exportname".into(),
            "disks[1].exportname".into(),
        ]),
        P,
    );
    assert_eq!(unsupported.outcome, EmitOutcome::Unsupported);
    // One class a field, the first in order; the detail names every one.
    assert_eq!(unsupported.class, "unsupported field: disks.exportname");
    assert_eq!(
        unsupported.detail,
        "cannot express server.tls, disks[0].exportname, disks[1].exportname"
    );
    assert!(!unsupported.outcome.is_disagreement());
    for (answer, outcome) in [
        (Answer::Crash("exit status 1".into()), EmitOutcome::Crash),
        (
            Answer::Timeout("no answer in 5 s".into()),
            EmitOutcome::Timeout,
        ),
        (
            Answer::ProtocolError("not JSON".into()),
            EmitOutcome::ProtocolError,
        ),
    ] {
        assert_eq!(judge(&expectation, &answer, P).outcome, outcome);
    }
}

#[test]
fn an_emitted_document_is_shown_with_its_control_characters_escaped() {
    use domainbackup_harness::emit::campaign::describe_answer;
    let shown = describe_answer(&Answer::Document(
        "<domainbackup>\r\n  <incremental>a\u{1}\tb</incremental>\n</domainbackup>\n".into(),
    ));
    assert_eq!(
        shown,
        "<domainbackup>\\r\n  <incremental>a\\u{1}\tb</incremental>\n</domainbackup>"
    );
}

#[test]
fn intent_paths_name_document_paths() {
    for (intent, document) in [
        ("mode", "/domainbackup/@mode"),
        ("incremental", "/domainbackup/incremental"),
        ("server.port", "/domainbackup/server/@port"),
        (
            "disks[0].scratch.file",
            "/domainbackup/disks/disk[1]/scratch/@file",
        ),
        (
            "disks[2].incremental",
            "/domainbackup/disks/disk[3]/@incremental",
        ),
        (
            "disks[0].driver",
            "/domainbackup/disks/disk[1]/driver/@type",
        ),
        (
            "disks[1].target.seclabels[0].labels[1]",
            "/domainbackup/disks/disk[2]/target/seclabel[1]/label[2]",
        ),
        (
            "disks[0].target.encryption.secrets[0].uuid",
            "/domainbackup/disks/disk[1]/target/encryption/secret[1]/@uuid",
        ),
        (
            "disks[0].scratch.encryption.cipher.size",
            "/domainbackup/disks/disk[1]/scratch/encryption/cipher/@size",
        ),
        // A whole list, as an emitter that cannot write any of it names it.
        (
            "disks[0].scratch.seclabels",
            "/domainbackup/disks/disk[1]/scratch/seclabel",
        ),
        ("disks", "/domainbackup/disks/disk"),
        (
            "disks[0].target.encryption.secrets",
            "/domainbackup/disks/disk[1]/target/encryption/secret",
        ),
    ] {
        assert_eq!(document_path(intent), document, "{intent}");
    }
    let intent = serde_json::to_value(pull()).unwrap();
    assert_eq!(
        intent_value(&intent, "disks[0].scratch.file"),
        Some(&serde_json::json!("/var/tmp/vda.scratch"))
    );
    assert_eq!(intent_value(&intent, "disks[1].scratch.file"), None);
    assert_eq!(intent_value(&intent, "disks[5].name"), None);
    assert_eq!(intent_value(&intent, "disks[x].name"), None);
}

/// A tool that names its own scratch files: its choice is not another meaning where the
/// intent leaves the file out, and is one where the intent names it.
#[test]
fn what_an_emitter_chooses_itself_is_not_another_meaning() {
    let mut intent = pull();
    let disks = intent.disks.as_mut().unwrap();
    disks[0].scratch = None;
    let expectation = expect(&intent, P);
    assert!(expectation.verdict.is_ok(), "{:?}", expectation.verdict);
    let written = "<domainbackup mode='pull'><server name='localhost' port='10809'/><disks>\
                   <disk name='vda' backup='yes' type='file' exportname='a&amp;b'>\
                   <scratch file='/var/tmp/backup.X1.vda'/></disk>\
                   <disk name='vdb' backup='no'/></disks></domainbackup>";
    let plain = judge(&expectation, &Answer::Document(written.into()), P);
    assert_eq!(plain.outcome, EmitOutcome::OtherMeaning, "{}", plain.detail);
    assert!(
        plain.class.ends_with("/scratch/@file changed"),
        "{}",
        plain.class
    );
    let chosen = vec!["disks[0].scratch.file".to_string()];
    let choosing = judge(
        &expectation,
        &Answer::Choosing(written.into(), chosen.clone()),
        P,
    );
    assert_eq!(choosing.outcome, EmitOutcome::Agree, "{}", choosing.detail);
    assert!(
        choosing
            .detail
            .ends_with("the emitter chose '/var/tmp/backup.X1.vda' itself"),
        "{}",
        choosing.detail
    );
    // Where the intent names the file, writing another is another meaning, chosen or not.
    let expectation = expect(&pull(), P);
    let named = judge(&expectation, &Answer::Choosing(written.into(), chosen), P);
    assert_eq!(named.outcome, EmitOutcome::OtherMeaning, "{}", named.detail);
}

#[test]
fn the_domain_is_sent_as_libvirt_prints_it() {
    let xml = domain_xml(&domain_for(&pull()));
    let disk = |name: &str| {
        format!(
            "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      \
             <source file='/fake/{name}.qcow2'/>\n      <target dev='{name}' bus='virtio'/>\n    \
             </disk>\n"
        )
    };
    assert_eq!(
        xml,
        format!(
            "<domain type='kvm'>\n  <name>backup-test</name>\n  <devices>\n{}{}{}  </devices>\n</domain>\n",
            disk("vda"),
            disk("vdb"),
            disk("vdextradisk")
        )
    );
}

#[test]
fn an_intent_without_the_fields_an_emitter_cannot_write() {
    use domainbackup_harness::emit::campaign::without_fields;
    let intent = pull();
    let fields = |list: &[&str]| list.iter().map(|f| f.to_string()).collect::<Vec<_>>();
    let rest = without_fields(
        &intent,
        &fields(&[
            "disks[0].exportname",
            "disks[0].scratch.file",
            "server.port",
        ]),
    )
    .expect("fields taken out");
    let disks = rest.disks.as_ref().unwrap();
    assert_eq!(disks[0].exportname, None);
    assert_eq!(disks[0].scratch.as_ref().unwrap().file, None);
    assert_eq!(rest.server.as_ref().unwrap().port, None);
    assert_eq!(disks[1], intent.disks.as_ref().unwrap()[1]);
    // List items: both named ones go, whatever the order they are named in.
    let rest = without_fields(&intent, &fields(&["disks[1]", "disks[0]"])).unwrap();
    assert_eq!(rest.disks, Some(vec![]));
    let rest = without_fields(&intent, &fields(&["disks[0]"])).unwrap();
    assert_eq!(rest.disks.unwrap()[0].name.as_deref(), Some("vdb"));
    // Nothing to take out: a field the intent does not have, or a path of nothing.
    for nothing in [
        &["incremental"][..],
        &["disks[7].name"],
        &["disks[x]"],
        &["mode.x"],
    ] {
        assert_eq!(
            without_fields(&intent, &fields(nothing)),
            None,
            "{nothing:?}"
        );
    }
}
