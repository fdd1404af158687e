//! Throughput of the reference pipeline (read, schema, C-parser rules, format) on libvirt's
//! upstream vectors and on a document with 1,000 disks, beside two yardsticks: a bare
//! quick-xml event loop over the same bytes (the floor no XML pipeline can beat) and real
//! libvirt in-process (when `libvirt.so.0` can be loaded).
//!
//! `cargo bench --bench pipeline`; throughput is reported in bytes/s by criterion.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domainbackup_harness::{Options, Profile, process};

/// libvirt's upstream inputs, where `check` finds them (`DOMAINBACKUP_LIBVIRT_SRC` or
/// `../shared/libvirt`); none, with a note, when they are not there.
fn upstream_inputs() -> Vec<(String, Vec<u8>, bool)> {
    let dir: PathBuf = match domainbackup_harness::corpus::find_upstream(None) {
        Ok(Some(dir)) => dir,
        found => {
            eprintln!(
                "note: the upstream vectors are not benchmarked ({}): {}",
                found.err().unwrap_or_else(|| "not found".into()),
                domainbackup_harness::corpus::UPSTREAM_HOW
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("upstream vectors")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let internal = name.contains("internal");
        out.push((name, std::fs::read(&path).expect("readable"), internal));
    }
    out
}

/// A pull backup with `n` disks in every form the schema allows.
fn large_document(n: usize) -> Vec<u8> {
    let mut s = String::from(
        "<domainbackup mode='pull'>\n  <incremental>checkpoint-1</incremental>\n  <server transport='tcp' tls='yes' name='backup.example.org' port='10809'/>\n  <disks>\n",
    );
    for i in 0..n {
        let name = format!("vd{}", disk_suffix(i));
        match i % 4 {
            0 => s.push_str(&format!("    <disk name='{name}' type='file' exportname='e{i}' exportbitmap='b{i}'>\n      <driver type='qcow2'/>\n      <scratch file='/var/lib/backup/{name}.scratch'>\n        <seclabel model='dac' relabel='no'/>\n      </scratch>\n    </disk>\n")),
            1 => s.push_str(&format!("    <disk name='{name}' backup='no'/>\n")),
            2 => s.push_str(&format!("    <disk name='{name}' type='block' backupmode='full'>\n      <scratch dev='/dev/mapper/scratch{i}'>\n        <encryption format='luks'>\n          <secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/>\n        </encryption>\n      </scratch>\n    </disk>\n")),
            _ => s.push_str(&format!("    <disk name='{name}' incremental='cp{i}'/>\n")),
        }
    }
    s.push_str("  </disks>\n</domainbackup>\n");
    s.into_bytes()
}

fn disk_suffix(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'a' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return s;
        }
        i -= 1;
    }
}

fn quick_xml_floor(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut events = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return events,
            Ok(_) => events += 1,
        }
        buf.clear();
    }
}

fn bench(c: &mut Criterion) {
    #[cfg(feature = "libvirt")]
    let libvirt = match domainbackup_harness::libvirt::Libvirt::load(None) {
        Ok(l) => Some(l),
        Err(e) => {
            eprintln!("libvirt not loaded, its rows are skipped: {e}");
            None
        }
    };
    let profile: Profile = {
        #[cfg(feature = "libvirt")]
        {
            libvirt
                .as_ref()
                .and_then(|l| l.profile())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "libvirt"))]
        {
            Profile::default()
        }
    };

    let mut inputs = upstream_inputs();
    inputs.push(("disks-1000".to_string(), large_document(1000), false));

    for (name, bytes, internal) in &inputs {
        let options = Options {
            profile,
            internal: *internal,
            align: true,
        };
        if let Err(r) = process(bytes, options) {
            // Not every vector exists in every version (9.0 has no fd transport).
            eprintln!("{name}: skipped under profile {profile}: {}", r.to_line());
            continue;
        }
        let mut group = c.benchmark_group(name.as_str());
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("quick-xml-floor", |b| {
            b.iter(|| quick_xml_floor(black_box(bytes)))
        });
        group.bench_function("reference", |b| {
            b.iter(|| process(black_box(bytes), options))
        });
        #[cfg(feature = "libvirt")]
        if let Some(libvirt) = &libvirt {
            group.bench_function("libvirt", |b| {
                b.iter(|| libvirt.process(black_box(bytes), *internal, true))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
