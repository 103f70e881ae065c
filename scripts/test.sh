#!/usr/bin/env bash
# Runs every test: formatting, lints, the whole cargo test suite, which includes the
# cross-language tests (generated Python/Ruby/PHP clients and stock zerorpc over real sockets),
# and a brief run of the IDL fuzz targets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export ZRPC_PYTHON="$root/.venv/bin/python"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The engine without CURVE (what its fuzz target builds).
cargo clippy -p zrpc-zmtp --no-default-features --quiet -- -D warnings
# Builds, before any test runs, every binary the cross-language tests start (calculator-server,
# zrpc, zrpc-broker-bench: each belongs to a package with integration tests). A separate
# `cargo build --bins` would compile 57 crates a second time with other features.
cargo test --workspace --no-fail-fast
# Fails on any crash the fuzzer finds in 25 s per target.
bash scripts/fuzz.sh 25
