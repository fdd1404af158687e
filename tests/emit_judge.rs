//! The emitter judge, with answers that must agree and answers that must not: each outcome
//! class from a document a real emitter could write for the intent.

use domainbackup_harness::Profile;
use domainbackup_harness::emit::intent::{BackupIntent, DiskIntent, ServerIntent, StoreIntent};
use domainbackup_harness::emit::judge::{Answer, EmitOutcome, expect, judge};

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
