//! The emitter protocol's messages: what a handshake and an answer must say, and the
//! error that names what is wrong with one that does not.

use domainbackup_harness::Profile;
use domainbackup_harness::emit::judge::Answer;
use domainbackup_harness::emit::protocol::{parse_answer, parse_handshake};

#[test]
fn handshakes() {
    let caps = parse_handshake(
        br#"{"ok":true,"role":"emitter","name":"e","version":"2","profiles":["9.0","12.8"]}"#,
    )
    .expect("a handshake");
    assert_eq!((caps.name.as_str(), caps.version.as_str()), ("e", "2"));
    assert_eq!(
        caps.profiles,
        vec![Profile::V9_0],
        "unknown versions are left out"
    );
    let all = parse_handshake(br#"{"ok":true,"role":"emitter"}"#).expect("a handshake");
    assert_eq!(all.profiles, Profile::ALL.to_vec());
    for (line, says) in [
        (&br#"{"ok":true,"modes":["parse"]}"#[..], "role"),
        (br#"{"ok":false,"role":"emitter"}"#, "ok"),
        (br#"not json"#, "not JSON"),
        (
            br#"{"ok":true,"role":"emitter","profiles":"9.0"}"#,
            "not a list",
        ),
        (
            br#"{"ok":true,"role":"emitter","profiles":[9]}"#,
            "not a profile name",
        ),
    ] {
        let error = parse_handshake(line).expect_err("refused");
        assert!(error.contains(says), "{error}");
    }
}

#[test]
fn answers() {
    assert_eq!(
        parse_answer(br#"{"seq":3,"xml":"<domainbackup/>"}"#, 3),
        Ok(Answer::Document("<domainbackup/>".into()))
    );
    assert_eq!(
        parse_answer(br#"{"seq":3,"unsupported":["disks[0].driver"]}"#, 3),
        Ok(Answer::Unsupported(vec!["disks[0].driver".into()]))
    );
    assert_eq!(
        parse_answer(
            br#"{"seq":3,"xml":"<domainbackup/>","chosen":["disks[0].scratch.file"]}"#,
            3
        ),
        Ok(Answer::Choosing(
            "<domainbackup/>".into(),
            vec!["disks[0].scratch.file".into()]
        ))
    );
    assert_eq!(
        parse_answer(br#"{"seq":3,"refused":"no"}"#, 3),
        Ok(Answer::Refused("no".into()))
    );
    for (line, says) in [
        (&br#"{"seq":2,"xml":""}"#[..], "seq 2, expected 3"),
        (br#"{"xml":""}"#, "no \"seq\""),
        (br#"{"seq":3,"xml":5}"#, "not a string"),
        (br#"{"seq":3,"unsupported":"driver"}"#, "not a list"),
        (br#"{"seq":3,"unsupported":[1]}"#, "not a field name"),
        (
            br#"{"seq":3,"xml":"","chosen":"file"}"#,
            "\"chosen\" is not a list",
        ),
        (br#"{"seq":3}"#, "none of"),
        (b"\xff", "not JSON"),
    ] {
        let error = parse_answer(line, 3).expect_err("refused");
        assert!(error.contains(says), "{error}");
    }
}
