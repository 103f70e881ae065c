#!/usr/bin/env bash
# The main job: generate Python, Ruby and PHP clients from examples/calculator/calculator.zrpc,
# start the Rust calculator-server on a free loopback port, call it with `zrpc` and from each
# language, print what came back, and stop the server. Installs what it needs (scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh
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
echo "\$ python  # import calculator (the generated package; it imports the zrpc runtime)"
PYTHONPATH="$gen_dir:$root/runtimes/python/src" "$python" - "$endpoint" <<'PY'
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

for lang in ruby php; do
    echo "\$ zrpc gen --lang $lang --out target/demo/$lang examples/calculator/calculator.zrpc"
    rm -rf "$root/target/demo/$lang"
    "$bin/zrpc" gen --lang "$lang" --out "$root/target/demo/$lang" examples/calculator/calculator.zrpc
    echo
done

echo "\$ ruby  # require 'target/demo/ruby/calculator' (the generated client)"
ruby -I "$root/runtimes/ruby/lib" - "$root/target/demo/ruby" "$endpoint" <<'RUBY'
require File.join(ARGV[0], 'calculator')

client = Calculator::CalculatorClient.new(ARGV[1], timeout: 10, heartbeat: 5)
puts "add(2, 3) = #{client.add(2, 3)}"
puts "translate -> #{client.translate(Calculator::Point.new(x: 1, y: 2, label: 'p'), 0.5, -1).to_h}"
puts "classify -> #{client.classify([Calculator::Value::Int.new(1), Calculator::Value::Text.new('a')])}"
puts "countdown(5) -> #{client.countdown(5).to_a}"
puts "echo_bytes -> #{client.echo_bytes("\x00\xff".b).bytes}"
puts "shapes -> #{client.shapes}"
begin
  client.divide(1, 0)
rescue Calculator::DivisionByZero => e
  puts "divide(1, 0) raised DivisionByZero with dividend #{e.dividend}"
end
client.close
RUBY
echo

echo "\$ php  # require 'target/demo/php/autoload.php' (the generated client)"
ZRPC_PHP_RUNTIME="$root/runtimes/php" php -- "$root/target/demo/php" "$endpoint" <<'PHP'
<?php
declare(strict_types=1);

require $argv[1] . '/autoload.php';

use Example\Calculator\{CalculatorClient, DivisionByZero, Point, Value};

$client = new CalculatorClient($argv[2], timeout: 10.0, heartbeat: 5.0);
echo 'add(2, 3) = ', $client->add(2, 3), "\n";
$moved = $client->translate(new Point(x: 1, y: 2, label: 'p'), 0.5, -1);
echo "translate -> x={$moved->x} y={$moved->y} label={$moved->label}\n";
echo 'classify -> ', json_encode($client->classify([new Value\IntValue(1), new Value\TextValue('a')])), "\n";
echo 'countdown(5) -> ', json_encode(iterator_to_array($client->countdown(5), false)), "\n";
echo 'echo_bytes -> ', bin2hex($client->echoBytes("\x00\xff")), "\n";
echo 'shapes -> ', implode(', ', array_map(fn ($shape) => $shape->value, $client->shapes())), "\n";
try {
    $client->divide(1, 0);
} catch (DivisionByZero $e) {
    echo "divide(1, 0) raised DivisionByZero with dividend {$e->dividend}\n";
}
PHP
echo

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
trap - EXIT
echo "calculator-server (pid $server_pid) stopped"
