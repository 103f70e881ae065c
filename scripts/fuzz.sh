#!/usr/bin/env bash
# Runs each IDL fuzz target (idl/fuzz) for a while on the stable toolchain and fails on a crash:
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 25; CI runs it from scripts/test.sh)
# RUSTC_BOOTSTRAP=1 lets stable rustc take the flags cargo-fuzz passes. No sanitizer: the front
# end is safe Rust, and the fuzzer looks for panics (crashes, failed assertions), which libFuzzer
# catches without one; this keeps the build and the runs quick. A crash leaves its input under
# idl/fuzz/artifacts/TARGET/: add it to idl/tests/format/ as a regression test once fixed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-25}"
cd "$root/idl/fuzz"
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none
for target in parse round_trip; do
    corpus="corpus/$target"
    mkdir -p "$corpus"
    # Seeds: every IDL file of the test suites and the examples.
    cp "$root"/idl/tests/valid/*.zrpc "$root"/idl/tests/invalid/*.zrpc \
        "$root"/idl/tests/format/*.zrpc "$root"/examples/calculator/*.zrpc "$corpus"/
    cargo fuzz run --sanitizer none "$target" "$corpus" -- \
        -max_total_time="$seconds" -max_len=4096 -print_final_stats=1
done
