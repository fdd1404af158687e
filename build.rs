//! Embeds the corpus documents (`corpus/**/*.xml`) in the library, so that the binary runs
//! its campaigns from any folder, installed or copied, with nothing beside it. The fuzzing
//! inputs under `corpus/fuzz/` are not documents (`*.xml`) and stay out.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            // The fuzzing inputs: thousands of files, none of them a corpus document.
            if path.file_name().is_some_and(|n| n == "fuzz") && path.parent() == Some(dir) {
                continue;
            }
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "xml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let corpus = root.join("corpus");
    println!("cargo::rerun-if-changed=corpus");
    let mut files = Vec::new();
    collect(&corpus, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The corpus documents, by path below `corpus/` (`/`-separated), as built in.\n\
         pub static EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for path in &files {
        let relative = path
            .strip_prefix(&corpus)
            .expect("below corpus/")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let _ = writeln!(
            code,
            "    ({relative:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("embedded_corpus.rs"), code).expect("OUT_DIR is writable");
}
