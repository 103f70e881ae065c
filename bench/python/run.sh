#!/usr/bin/env bash
# Python client benchmark: bash bench/python/run.sh [--rounds N] [--seconds S]
# Builds release binaries, generates the calculator Python client with `zrpc gen`, starts a
# release calculator-server on a free loopback port and runs generated_client_bench.py against it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
python="${ZRPC_PYTHON:-$root/.venv/bin/python}"

cargo build --quiet --release -p zrpc-cli -p calculator-example
bin="$root/target/release"
out="$root/target/bench-python"
rm -rf "$out"
"$bin/zrpc" gen --lang python --out "$out" examples/calculator/calculator.zrpc

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="tcp://127.0.0.1:$port"
"$bin/calculator-server" --bind "$endpoint" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
done

PYTHONPATH="$out" "$python" bench/python/generated_client_bench.py "$endpoint" "$@"
