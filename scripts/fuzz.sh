#!/usr/bin/env bash
# Runs each fuzz target for a while on the stable toolchain and fails on a crash:
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 25; CI runs it from scripts/test.sh)
# Targets: the IDL parser and printer (idl/fuzz) and the ZMTP frame decoder (zmtp/fuzz).
# RUSTC_BOOTSTRAP=1 lets stable rustc take the flags cargo-fuzz passes. No sanitizer: both are
# safe Rust, and the fuzzer looks for panics (crashes, failed assertions), which libFuzzer
# catches without one; this keeps the build and the runs quick. An input that takes over 30 s
# fails too (inputs are at most 4 KiB: that is a hang). A crash leaves its input under
# DIR/fuzz/artifacts/TARGET/: add it to that crate's tests as a regression test once fixed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-25}"
export RUSTC_BOOTSTRAP=1
# One target directory for both fuzz workspaces: libFuzzer (C++) and the shared crates are
# built once.
target_dir="$root/target/fuzz"

# run_target DIR TARGET: fuzzes TARGET of DIR/fuzz from its corpus directory.
run_target() {
    (
        cd "$root/$1/fuzz"
        cargo fuzz run --sanitizer none --target-dir "$target_dir" "$2" "corpus/$2" -- \
            -max_total_time="$seconds" -max_len=4096 -timeout=30 -print_final_stats=1
    )
}

(cd "$root/idl/fuzz" && cargo fuzz build --sanitizer none --target-dir "$target_dir")
for target in parse round_trip; do
    mkdir -p "$root/idl/fuzz/corpus/$target"
    # Seeds: every IDL file of the test suites and the examples.
    cp "$root"/idl/tests/valid/*.zrpc "$root"/idl/tests/invalid/*.zrpc \
        "$root"/idl/tests/format/*.zrpc "$root"/examples/calculator/*.zrpc \
        "$root/idl/fuzz/corpus/$target"/
    run_target idl "$target"
done

(cd "$root/zmtp/fuzz" && cargo fuzz build --sanitizer none --target-dir "$target_dir")
mkdir -p "$root/zmtp/fuzz/corpus/frame_decoder"
# Seeds: a few hand-made frames (short, long, command, a huge length, many parts).
cp "$root"/zmtp/fuzz/seeds/* "$root/zmtp/fuzz/corpus/frame_decoder"/
run_target zmtp frame_decoder
