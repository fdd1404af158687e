//! The two schedulers a campaign is split over, as `examples/schedulers/` ships them: the
//! GitHub Actions matrix (a job per shard, then a merge job) and the Kubernetes Indexed Job
//! (`--shard auto` in each pod, then a merge Job). Their scripts are taken from those files
//! and run as the runner or the pods would (one after the other here, each shard in a
//! folder of its own, the artifacts or the shared volume laid out as the scheduler lays
//! them out), with a small campaign and a wrong implementation; the merged report must be
//! the report of one unsharded run, and the merge must exit as that run does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The text of the block scalar (`|`) that starts after line `at`: the lines indented more
/// than that line, unindented.
fn block(lines: &[&str], at: usize) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines[at]);
    let body: Vec<&str> = lines[at + 1..]
        .iter()
        .copied()
        .take_while(|l| l.trim().is_empty() || indent(l) > own)
        .collect();
    let strip = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| l.get(strip..).unwrap_or("").to_string() + "\n")
        .collect()
}

/// The block scalars of a file whose text contains `needle`, in file order.
fn scripts_with(text: &str, needle: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .filter(|&i| lines[i].trim_end().ends_with('|'))
        .map(|i| block(&lines, i))
        .filter(|s| s.contains(needle))
        .collect()
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').to_string()
}

/// The environment a script is run with: the harness first on PATH, the file's own
/// settings, then the test's (a small campaign, a wrong implementation).
fn run_script(script: &str, dir: &Path, vars: &BTreeMap<String, String>) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_domainbackup-harness"))
        .parent()
        .expect("the harness's folder")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path)
        .env(
            "DOMAINBACKUP_HARNESS",
            env!("CARGO_BIN_EXE_domainbackup-harness"),
        )
        .envs(vars)
        .output()
        .expect("sh runs")
}

/// What the test puts in place of the file's campaign: few cases, an implementation that
/// drops `exportbitmap` (so the campaign has disagreements to merge).
fn test_settings(vars: &mut BTreeMap<String, String>) {
    vars.insert("CASES".into(), "200".into());
    vars.insert(
        "IMPLEMENTATION".into(),
        format!(
            "sh {}",
            repo("examples/wrong/drops-exportbitmap.sh").display()
        ),
    );
}

/// One unsharded run of the same campaign, its results and exit status.
fn unsharded(dir: &Path, vars: &BTreeMap<String, String>) -> (String, Option<i32>) {
    let out = run_script(
        "domainbackup-harness check --cases \"$CASES\" --report whole -- $IMPLEMENTATION",
        dir,
        vars,
    );
    let results = std::fs::read_to_string(dir.join("whole/results.jsonl")).unwrap_or_else(|e| {
        panic!(
            "the unsharded run wrote no results ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (results, out.status.code())
}

/// Runs the merge script in `dir`: it exits as the unsharded run did, and the report it
/// writes to `merged` has that run's results.
fn assert_merge_is_the_unsharded_run(
    script: &str,
    dir: &Path,
    vars: &BTreeMap<String, String>,
    merged: &Path,
    (whole, whole_status): (&str, Option<i32>),
) {
    let out = run_script(script, dir, vars);
    assert_eq!(
        out.status.code(),
        whole_status,
        "the merge fails as the unsharded run does: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = std::fs::read_to_string(merged.join("results.jsonl")).expect("merged");
    assert_eq!(results, whole, "the merged results are the unsharded run's");
}

fn assert_ran(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_github_actions_matrix_merges_to_the_unsharded_run() {
    let text = std::fs::read_to_string(repo("examples/schedulers/github-actions.yml"))
        .expect("the workflow");
    // The workflow's env, and its matrix of shards.
    let mut vars = BTreeMap::new();
    let mut in_env = false;
    let mut shards: Vec<u32> = Vec::new();
    for line in text.lines() {
        if line == "env:" {
            in_env = true;
            continue;
        }
        if in_env {
            match line.strip_prefix("  ").and_then(|l| l.split_once(": ")) {
                Some((k, v)) if !k.starts_with(' ') => {
                    vars.insert(k.to_string(), unquote(v));
                }
                _ => in_env = false,
            }
        }
        if let Some(list) = line.trim().strip_prefix("shard: [") {
            shards = list
                .trim_end_matches(']')
                .split(',')
                .map(|n| n.trim().parse().expect("a shard number"))
                .collect();
        }
    }
    assert_eq!(
        vars.get("SHARDS").map(String::as_str),
        Some(shards.len().to_string().as_str()),
        "SHARDS is the number of matrix entries"
    );
    let check = scripts_with(&text, "domainbackup-harness check");
    let merge = scripts_with(&text, "domainbackup-harness report");
    assert_eq!(
        (check.len(), merge.len()),
        (1, 1),
        "one check and one merge step"
    );
    test_settings(&mut vars);

    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (whole, whole_status) = unsharded(tmp.path(), &vars);
    assert_eq!(whole_status, Some(1), "the wrong implementation disagrees");
    // Each shard job in a workspace of its own; its artifact is its report folder, which
    // download-artifact puts in a folder of the artifact's name in the merge job's.
    let merge_dir = tmp.path().join("merge");
    std::fs::create_dir(&merge_dir).expect("the merge job's workspace");
    for shard in &shards {
        let job = tmp.path().join(format!("job-{shard}"));
        std::fs::create_dir(&job).expect("a job's workspace");
        let script = check[0].replace("${{ matrix.shard }}", &shard.to_string());
        assert!(!script.contains("${{"), "an expression left: {script}");
        assert_ran(&format!("shard {shard}"), &run_script(&script, &job, &vars));
        let artifact = format!("report-{shard}");
        std::fs::rename(job.join(&artifact), merge_dir.join(&artifact))
            .expect("the shard's report is the artifact");
    }
    assert!(whole.contains("wrong-output"));
    assert_merge_is_the_unsharded_run(
        &merge[0],
        &merge_dir,
        &vars,
        &merge_dir.join("merged"),
        (&whole, whole_status),
    );
}

#[test]
fn a_kubernetes_indexed_job_merges_to_the_unsharded_run() {
    let text = std::fs::read_to_string(repo("examples/schedulers/kubernetes-indexed-job.yaml"))
        .expect("the manifest");
    let documents: Vec<&str> = text.split("\n---\n").collect();
    assert_eq!(documents.len(), 2, "the shard Job and the merge Job");
    let shards = &documents[0];
    assert!(shards.contains("completionMode: Indexed"));
    let completions: u32 = shards
        .lines()
        .find_map(|l| l.trim().strip_prefix("completions: "))
        .expect("completions")
        .parse()
        .expect("a number");
    // The container's env (`- name: K` then `value: V`).
    let mut vars = BTreeMap::new();
    let lines: Vec<&str> = shards.lines().collect();
    for pair in lines.windows(2) {
        if let (Some(k), Some(v)) = (
            pair[0].trim().strip_prefix("- name: "),
            pair[1].trim().strip_prefix("value: "),
        ) {
            vars.insert(k.to_string(), unquote(v));
        }
    }
    assert_eq!(
        vars.get("JOB_COMPLETIONS"),
        Some(&completions.to_string()),
        "JOB_COMPLETIONS is the Job's completions"
    );
    let check = scripts_with(shards, "domainbackup-harness check");
    let merge = scripts_with(documents[1], "domainbackup-harness report");
    assert_eq!(
        (check.len(), merge.len()),
        (1, 1),
        "one check and one merge script"
    );
    assert!(check[0].contains("--shard auto"));
    test_settings(&mut vars);

    let tmp = tempfile::tempdir().expect("a temporary folder");
    let (whole, whole_status) = unsharded(tmp.path(), &vars);
    // The shared volume.
    let volume = tmp.path().join("reports");
    std::fs::create_dir(&volume).expect("the volume");
    vars.insert("REPORTS".into(), volume.display().to_string());
    for index in 0..completions {
        let pod = tmp.path().join(format!("pod-{index}"));
        std::fs::create_dir(&pod).expect("a pod's folder");
        let mut pod_vars = vars.clone();
        pod_vars.insert("JOB_COMPLETION_INDEX".into(), index.to_string());
        assert_ran(
            &format!("pod {index}"),
            &run_script(&check[0], &pod, &pod_vars),
        );
    }
    // One more index than completions is refused, naming what is wrong.
    let mut stray = vars.clone();
    stray.insert("JOB_COMPLETION_INDEX".into(), completions.to_string());
    let out = run_script(&check[0], tmp.path(), &stray);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "JOB_COMPLETION_INDEX={completions} is not below the {completions} shards"
        )),
        "{stderr}"
    );

    assert_merge_is_the_unsharded_run(
        &merge[0],
        tmp.path(),
        &vars,
        &volume.join("merged"),
        (&whole, whole_status),
    );
}
