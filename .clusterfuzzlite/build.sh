#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: the cargo-fuzz targets that need nothing at run time
# (parse, roundtrip, mutate), each with the dictionary, its committed seeds and libFuzzer
# options. libvirt_diff is left out: it loads libvirt.so.0 at run time, and libvirt reads its
# RELAX NG schemas from /usr/share/libvirt, neither of which the runner image has; run it
# on a machine with libvirt (README.md, "Fuzzing").
cd "$SRC/domainbackup-harness"

# The builder's cargo wrapper adds the sanitizer and coverage flags; -O builds optimised,
# --debug-assertions keeps overflow checks on.
cargo fuzz build -O --debug-assertions parse
cargo fuzz build -O --debug-assertions roundtrip
cargo fuzz build -O --debug-assertions mutate

release=fuzz/target/x86_64-unknown-linux-gnu/release
for target in parse roundtrip mutate; do
    cp "$release/$target" "$OUT/$target"
    cp fuzz/domainbackup.dict "$OUT/$target.dict"
    (cd "corpus/fuzz/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    max_len=4096
    [[ $target == roundtrip ]] && max_len=64
    cat >"$OUT/$target.options" <<OPTIONS
[libfuzzer]
dict = $target.dict
max_len = $max_len
rss_limit_mb = 2048
timeout = 10
OPTIONS
done
