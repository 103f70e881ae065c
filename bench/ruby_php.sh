#!/bin/sh
# Benchmarks the generated Ruby and PHP clients against the Rust calculator-server (release
# build), each beside a raw binding ping-pong measured in the same run.
# Usage: bench/ruby_php.sh [CALLS_PER_ROUND] [ROUNDS]
set -eu
cd "$(dirname "$0")/.."
calls=${1:-1000}
rounds=${2:-31}
cargo build -q --release -p calculator-example --bin calculator-server
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="tcp://127.0.0.1:$port"
target/release/calculator-server --bind "$endpoint" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT INT TERM
sleep 0.5
ruby -I codegen/tests/golden/calculator/ruby bench/ruby/bench.rb "$endpoint" "$calls" "$rounds" 2>/dev/null
php bench/php/bench.php codegen/tests/golden/calculator/php "$endpoint" "$calls" "$rounds"
