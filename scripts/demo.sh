#!/usr/bin/env bash
# Demo: build, start calculator-server on a free loopback port, call it with `zrpc`, stop it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cargo build --quiet --release -p zrpc-cli -p calculator-example
bin="$root/target/release"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
endpoint="tcp://127.0.0.1:$port"

"$bin/calculator-server" --bind "$endpoint" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT

# Wait (bounded) until the server accepts connections.
for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
done

run() {
    echo "\$ zrpc $*"
    "$bin/zrpc" "$@" || echo "(exit status $?)"
    echo
}

run ping "$endpoint"
run inspect "$endpoint"
run call "$endpoint" add 2 3
run call "$endpoint" divide 1 0
run call "$endpoint" countdown 5
run call "$endpoint" translate '{"x": 1, "y": 2, "label": "p"}' 0.5 -1

# Generated client: `zrpc gen` renders a typed Python package from the IDL, which calls the server.
python="${ZRPC_PYTHON:-$root/.venv/bin/python}"
gen_dir="$root/target/demo/python"
rm -rf "$gen_dir"
echo "\$ zrpc gen --lang python --out target/demo/python examples/calculator/calculator.zrpc"
"$bin/zrpc" gen --lang python --out "$gen_dir" examples/calculator/calculator.zrpc
echo
echo "\$ python  # import calculator (the generated package)"
PYTHONPATH="$gen_dir" "$python" - "$endpoint" <<'PY'
import sys

import calculator

with calculator.CalculatorClient(sys.argv[1], timeout=10) as client:
    print("add(2, 3) =", client.add(2, 3))
    print("translate ->", client.translate(calculator.Point(1, 2, label="p"), 0.5, -1))
    print("classify ->", client.classify([calculator.ValueInt(1), calculator.ValueText("a")]))
    print("countdown(5) ->", list(client.countdown(5)))
    print("echo_bytes ->", client.echo_bytes(b"\x00\xff"))
    print("shapes ->", client.shapes())
    try:
        client.divide(1, 0)
    except calculator.DivisionByZero as error:
        print("divide(1, 0) raised DivisionByZero with dividend", error.dividend)
    except calculator.RemoteError as error:
        print("divide(1, 0) raised", error.name, "(without typed fields)")
PY
echo

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
trap - EXIT
echo "calculator-server (pid $server_pid) stopped"
