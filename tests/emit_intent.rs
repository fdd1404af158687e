//! The intent format of the emitter protocol: its published JSON Schema is the one its
//! types give, an intent reads back as written, missing and empty are different, and the
//! reference's document for the intent of any valid definition means that definition.

use domainbackup_harness::emit::from_model::intent_of;
use domainbackup_harness::emit::intent::{self, BackupIntent, DiskIntent, ServerIntent};
use domainbackup_harness::emit::write;
use domainbackup_harness::generator;
use domainbackup_harness::{Mode, Profile, process};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// `schema/intent/PROFILE.json` is what the types give; a change to the types shows here
/// as a changed file to review (`DOMAINBACKUP_WRITE_SCHEMA=1` writes it).
#[test]
fn published_schemas_are_the_types() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for profile in Profile::ALL {
        let path = root.join(intent::json_schema_path(profile));
        let generated = intent::json_schema_text(profile);
        if std::env::var_os("DOMAINBACKUP_WRITE_SCHEMA").is_some() {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create");
            std::fs::write(&path, &generated).expect("write");
        }
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        if kept != generated {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "{} differ from the intent types; review and write them with \
         DOMAINBACKUP_WRITE_SCHEMA=1 cargo test --test emit_intent",
        stale.join(", ")
    );
}

/// Each profile's schema has the fields its grammar has: `fdgroup` of `<server>` only from
/// 11.3; and every schema refuses keys the format does not have.
#[test]
fn schemas_follow_the_profiles() {
    let server = |profile| {
        intent::json_schema(profile)
            .pointer("/$defs/ServerIntent/properties")
            .and_then(|p| p.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
            .expect("a server definition")
    };
    assert!(!server(Profile::V9_0).contains(&"fdgroup".to_string()));
    assert!(server(Profile::V11_3).contains(&"fdgroup".to_string()));
    for profile in Profile::ALL {
        let schema = intent::json_schema(profile);
        assert_eq!(schema["additionalProperties"], false, "{}", profile.name());
        assert_eq!(
            schema["$defs"]["DiskIntent"]["properties"]["type"]["type"], "string",
            "every value is a string"
        );
    }
}

/// An intent reads back as written; an unknown key is refused, with its name.
#[test]
fn intents_read_back_and_unknown_keys_are_refused() {
    let text = r#"{"mode":"pull","server":{"name":"h","port":"10809"},"disks":[{"name":"vda","type":"file","scratch":{"file":"/s"}}]}"#;
    let read: BackupIntent = serde_json::from_str(text).expect("an intent");
    assert_eq!(serde_json::to_string(&read).expect("json"), text);
    let error = serde_json::from_str::<BackupIntent>(r#"{"disks":[{"nmae":"vda"}]}"#)
        .expect_err("unknown key");
    assert!(
        error.to_string().contains("unknown field `nmae`"),
        "{error}"
    );
    let error =
        serde_json::from_str::<BackupIntent>(r#"{"server":{"port":10809}}"#).expect_err("a number");
    assert!(error.to_string().contains("expected a string"), "{error}");
}

/// A missing key writes nothing, an empty string writes the attribute empty.
#[test]
fn missing_is_not_written_and_empty_is_written_empty() {
    let mut intent = BackupIntent {
        mode: Some("push".into()),
        disks: Some(vec![DiskIntent {
            name: Some("vda".into()),
            ..DiskIntent::default()
        }]),
        ..BackupIntent::default()
    };
    assert_eq!(
        write::document(&intent),
        "<domainbackup mode='push'>\n  <disks>\n    <disk name='vda'/>\n  </disks>\n</domainbackup>\n"
    );
    intent.disks.as_mut().expect("disks")[0].incremental = Some(String::new());
    assert!(write::document(&intent).contains("<disk name='vda' incremental=''/>"));
    assert_eq!(
        write::document(&BackupIntent::default()),
        "<domainbackup/>\n"
    );
    intent.disks = Some(vec![]);
    assert!(write::document(&intent).contains("<disks/>"));
}

/// Values that need escaping read back exactly, in attributes and in text.
#[test]
fn values_are_escaped_to_read_back() {
    let value = "a&b<c>d'e\"f\tg\nh\ri é";
    let intent = BackupIntent {
        mode: Some("pull".into()),
        incremental: Some(value.into()),
        server: Some(ServerIntent {
            name: Some("host".into()),
            ..ServerIntent::default()
        }),
        disks: Some(vec![DiskIntent {
            name: Some("vda".into()),
            exportname: Some(value.into()),
            ..DiskIntent::default()
        }]),
    };
    let document = write::document(&intent);
    let read = domainbackup_harness::xml::read::read(document.as_bytes()).expect("well-formed");
    let disk = read
        .root
        .xpath_child("disks")
        .and_then(|d| d.xpath_child("disk"))
        .expect("a disk");
    assert_eq!(disk.prop("exportname"), Some(value));
    let incremental = read.root.xpath_child("incremental").expect("incremental");
    assert_eq!(incremental.string_value(), value);
}

/// The reference's document for the intent of any valid definition is accepted and means
/// that definition: libvirt prints for it what it prints for the definition. So every
/// field the generator reaches has its place in the intent format.
#[test]
fn the_intent_of_a_valid_definition_means_it() {
    for profile in Profile::ALL {
        let mut runner = TestRunner::new(Config {
            cases: 600,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(
                &generator::definitions(profile, Mode::Parse),
                |definition| {
                    let intent = intent_of(&definition);
                    let document = write::document(&intent);
                    let expected = generator::expected_output(&definition, profile, Mode::Parse)
                        .map_err(|r| TestCaseError::fail(r.to_line()))?;
                    let got = process(document.as_bytes(), Mode::Parse.options(profile));
                    prop_assert_eq!(
                        got.as_deref().map_err(|r| r.to_line()),
                        Ok(expected.as_str()),
                        "intent {}\ndocument\n{}",
                        serde_json::to_string(&intent).unwrap_or_default(),
                        document
                    );
                    Ok(())
                },
            )
            .unwrap_or_else(|e| panic!("{}: {e}", profile.name()));
    }
}
