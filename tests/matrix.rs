//! `domainbackup-harness matrix`: several implementations run and put side by side, with a
//! compliance figure and a shields.io badge per implementation and column, the classes
//! linking to their counterexamples, and runs made elsewhere added with `--from`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn harness(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .args(args)
        .current_dir(cwd)
        .env(
            "PATH",
            format!(
                "{}:{}",
                Path::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
                    .parent()
                    .expect("a folder")
                    .display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .stdin(Stdio::null())
        .output()
        .expect("the harness runs")
}

/// A folder of adapters holding one deliberately wrong implementation (it drops
/// `exportbitmap`), run per case.
fn wrong_adapters(dir: &Path) -> PathBuf {
    let adapters = dir.join("adapters");
    let adapter = adapters.join("drops-exportbitmap");
    std::fs::create_dir_all(&adapter).expect("a folder");
    let script = root().join("examples/wrong/drops-exportbitmap.sh");
    std::fs::write(
        adapter.join("manifest.json"),
        format!(
            r#"{{"name":"drops-exportbitmap","language":"sh","homepage":"-",
               "implementation":"the reference, without exportbitmap","version":"1",
               "run":["{}"],"protocol":"per-case","needs":"a shell",
               "capabilities":{{"modes":["parse","align","internal"],"profiles":["9.0","11.3"],"validates":"full"}}}}"#,
            script.display()
        ),
    )
    .expect("a manifest");
    adapters
}

fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn matrix_puts_implementations_side_by_side_with_badges() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let adapters = wrong_adapters(tmp.path());
    let out = tmp.path().join("matrix");
    let result = harness(
        &[
            "matrix",
            "--implementations",
            adapters.to_str().expect("UTF-8"),
            "--impl",
            "reference",
            "--impl",
            "drops-exportbitmap",
            "--cases",
            "300",
            "--filter",
            "grammar.pull",
            "--filter",
            "generated/valid",
            "--filter",
            "rules.parse.",
            "--jobs",
            "2",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        stdout.contains("reference: 300 cases in ")
            && stdout.contains(
                "compliance 100.0% (300 agree of 300 judged, 0 accepted invalid), 0 classes"
            ),
        "{stdout}"
    );

    // Badges in shields.io's endpoint format, per implementation and per column.
    let good = json(&out.join("badges/reference.json"));
    assert_eq!(good["schemaVersion"], 1);
    assert_eq!(good["message"], "100.0% (9.0, 11.3)");
    assert_eq!(good["color"], "brightgreen");
    let bad = json(&out.join("badges/drops-exportbitmap.json"));
    let message = bad["message"].as_str().expect("a message");
    assert!(
        message.ends_with("% (9.0, 11.3)") && !message.starts_with("100"),
        "{message}"
    );
    assert_ne!(bad["color"], "brightgreen");
    assert_eq!(
        json(&out.join("badges/reference-11.3.json"))["message"],
        "100.0% (11.3)"
    );

    // The figures for machines: columns per profile, classes with counts and counterexamples.
    let matrix = json(&out.join("matrix.json"));
    let columns = matrix["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), 4, "{columns:?}");
    let wrong: Vec<&serde_json::Value> = columns
        .iter()
        .filter(|c| c["implementation"] == "drops-exportbitmap")
        .collect();
    assert!(
        wrong
            .iter()
            .all(|c| c["agree"].as_u64() < c["judged"].as_u64())
    );
    let classes = matrix["classes"].as_array().expect("classes");
    let dropped = classes
        .iter()
        .find(|c| c["class"] == "wrong output: /domainbackup/disks/disk/@exportbitmap dropped")
        .unwrap_or_else(|| panic!("no exportbitmap class in {classes:?}"));
    let link = dropped["counterexamples"][0]
        .as_str()
        .expect("a counterexample");
    assert!(out.join(link).is_file(), "{link}");

    // The page: a column per implementation and profile, the class linking to its
    // counterexample, rules with what they ask.
    let page = std::fs::read_to_string(out.join("index.html")).expect("the page");
    assert_eq!(page.matches("<small>libvirt 9.0</small>").count(), 2 * 3);
    assert!(page.contains(&format!("<a href=\"{link}\">drops-exportbitmap</a>")));
    let rules = &page[page.find("<h3>Rules</h3>").expect("a rules table")..];
    assert!(
        rules.matches("</code><br><span class=\"summary\">").count() > 10,
        "rules without what they ask"
    );
    for href in page.split("href=\"").skip(1) {
        let target = &href[..href.find('"').expect("a closing quote")];
        assert!(out.join(target).exists(), "a broken link: {target}");
    }

    // A run made elsewhere joins with --from, linked relative to the page.
    let extra = out.join("runs/reference-again");
    let check = harness(
        &[
            "check",
            "--cases",
            "50",
            "--name",
            "reference-again",
            "--report",
            extra.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    assert_eq!(check.status.code(), Some(0));
    let result = harness(
        &[
            "matrix",
            "--from",
            extra.to_str().expect("UTF-8"),
            "--out",
            out.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let page = std::fs::read_to_string(out.join("index.html")).expect("the page");
    assert!(
        page.contains("<a href=\"runs/reference-again/index.html\">its report</a>"),
        "{page}"
    );
}

#[test]
fn matrix_problems_are_named() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("m");
    let result = harness(
        &[
            "matrix",
            "--impl",
            "nobody",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("domainbackup-harness matrix: usage: no implementation 'nobody'"),
        "{stderr}"
    );
    let result = harness(
        &[
            "matrix",
            "--from",
            "/no/such/report",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("/no/such/report/summary.json"), "{stderr}");
}

/// `adapters/NAME/manifest.json` for the deliberately wrong emitter `examples/wrong-emitters/NAME.py`.
fn wrong_emitter(adapters: &Path, name: &str) {
    let adapter = adapters.join(name);
    std::fs::create_dir_all(&adapter).expect("a folder");
    let script = root().join(format!("examples/wrong-emitters/{name}.py"));
    std::fs::write(
        adapter.join("manifest.json"),
        format!(
            r#"{{"name":"{name}","role":"emitter","language":"Python","homepage":"-",
               "implementation":"a writer with one bug","version":"1",
               "run":["python3","{}"],"protocol":"ndjson","needs":"python3",
               "capabilities":{{"modes":["emit"],"profiles":["9.0","11.3"],"validates":"none"}}}}"#,
            script.display()
        ),
    )
    .expect("a manifest");
}

/// Emitters named with `--impl` get their section: a column per emitter and profile, a
/// badge each, their classes, and a row per field saying where each emitter writes
/// another value or cannot write it; their report folders join again with `--from`.
#[test]
fn matrix_has_an_emitter_section() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let adapters = tmp.path().join("adapters");
    wrong_emitter(&adapters, "drops-exportbitmap");
    wrong_emitter(&adapters, "no-encryption");
    let out = tmp.path().join("matrix");
    let result = harness(
        &[
            "matrix",
            "--implementations",
            adapters.to_str().expect("UTF-8"),
            "--impl",
            "drops-exportbitmap",
            "--impl",
            "no-encryption",
            "--emitter-cases",
            "200",
            "--jobs",
            "2",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        stdout.contains("drops-exportbitmap (emitter): 200 intents in "),
        "{stdout}"
    );
    // no-encryption writes everything else right: every intent it is judged on agrees.
    assert!(
        stdout.contains("no-encryption (emitter): 200 intents in ")
            && stdout.contains("compliance 100.0%"),
        "{stdout}"
    );

    let matrix = json(&out.join("matrix.json"));
    let emitters = &matrix["emitters"];
    let columns = emitters["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), 4, "{columns:?}");
    let dropped = "accepted with another meaning: /domainbackup/disks/disk/@exportbitmap dropped";
    let classes = emitters["classes"].as_array().expect("classes");
    let class = classes
        .iter()
        .find(|c| c["class"] == dropped)
        .unwrap_or_else(|| panic!("no exportbitmap class in {classes:?}"));
    assert!(
        class["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .all(|c| c["emitter"] == "drops-exportbitmap"),
        "{class}"
    );
    let fields = emitters["fields"].as_array().expect("fields");
    let field = |document: &str| {
        fields
            .iter()
            .find(|f| f["document"] == document)
            .unwrap_or_else(|| panic!("no row {document} in {fields:?}"))
    };
    let cell = |row: &serde_json::Value, emitter: &str, key: &str| -> u64 {
        row["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .filter(|c| c["emitter"] == emitter)
            .map(|c| c[key].as_u64().expect("a count"))
            .sum()
    };
    let bitmap = field("/domainbackup/disks/disk/@exportbitmap");
    assert_eq!(bitmap["intent"], "disks.exportbitmap");
    assert!(cell(bitmap, "drops-exportbitmap", "differ") > 0, "{bitmap}");
    assert_eq!(cell(bitmap, "no-encryption", "differ"), 0, "{bitmap}");
    let encryption = field("/domainbackup/disks/disk/target/encryption");
    assert!(
        cell(encryption, "no-encryption", "cannot_write") > 0,
        "{encryption}"
    );
    assert_eq!(cell(encryption, "drops-exportbitmap", "cannot_write"), 0);
    let badge = json(&out.join("badges/drops-exportbitmap.json"));
    assert_eq!(badge["label"], "writes libvirt backup XML");
    assert!(out.join("badges/no-encryption-11.3.json").is_file());

    let page = std::fs::read_to_string(out.join("index.html")).expect("the page");
    for want in [
        "<h2 id=\"emitters\">Emitters</h2>",
        "Emitter classes",
        "Emitter fields",
        dropped,
    ] {
        assert!(page.contains(want), "no {want:?} in the page");
    }
    for href in page.split("href=\"").skip(1) {
        let target = &href[..href.find('"').expect("a closing quote")];
        assert!(out.join(target).exists(), "a broken link: {target}");
    }

    // The emitters' folders, read back, give the same figures.
    let again = tmp.path().join("again");
    let result = harness(
        &[
            "matrix",
            "--from",
            out.join("runs/drops-exportbitmap").to_str().expect("UTF-8"),
            "--from",
            out.join("runs/no-encryption").to_str().expect("UTF-8"),
            "--out",
            again.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let read_back = json(&again.join("matrix.json"));
    for key in ["columns", "classes", "fields"] {
        assert_eq!(read_back["emitters"][key], emitters[key], "{key}");
    }

    // A broken emitter folder is named, with its line.
    let broken = tmp.path().join("broken");
    std::fs::create_dir_all(&broken).expect("a folder");
    std::fs::copy(
        out.join("runs/no-encryption/emitter.json"),
        broken.join("emitter.json"),
    )
    .expect("copied");
    std::fs::write(broken.join("results.jsonl"), "{\"index\":0}\n").expect("written");
    let result = harness(
        &[
            "matrix",
            "--from",
            broken.to_str().expect("UTF-8"),
            "--out",
            again.to_str().expect("UTF-8"),
        ],
        tmp.path(),
    );
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("results.jsonl") && stderr.contains("line 1"),
        "{stderr}"
    );
}
