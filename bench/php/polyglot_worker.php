<?php

// The PHP side of `polyglot-bench`: calls/s of `add(1, 1)` against one zrpc server, one call at
// a time, by the generated client and by a raw php-zmq DEALER sending pre-encoded frames.
// Usage: ZRPC_PHP_RUNTIME=runtimes/php php bench/php/polyglot_worker.php GENERATED_DIR ENDPOINT
// Line protocol: prints `ready` after a warm-up; for each line `SECONDS FLIP` on stdin measures
// both setups for SECONDS in alternating slices (the raw one first when FLIP is 1) and prints
// `SETUP<TAB>CALLS_PER_S<TAB>CPU_US_PER_CALL` lines (CPU time of this process, libzmq's I/O
// thread included), then `end`. Exits at end of input.

declare(strict_types=1);

require $argv[1] . '/autoload.php';

$endpoint = $argv[2];

// The floor: request frames from fixed bytes and a counter, the reply not decoded.
$context = new ZMQContext(1, false);
$raw = new ZMQSocket($context, ZMQ::SOCKET_DEALER);
$raw->setSockOpt(ZMQ::SOCKOPT_LINGER, 0);
$raw->connect($endpoint);
$suffix = bin2hex(random_bytes(12));
$counter = 0;
$rawAdd = static function () use ($raw, $suffix, &$counter): void {
    $counter = ($counter + 1) & 0xffffffff;
    $raw->sendmulti(['', "\x93\x82\xaamessage_id\xc4\x20" . sprintf('%08x', $counter) . $suffix . "\xa1v\x03\xa3add\x92\x01\x01"]);
    $frames = $raw->recvMulti();
    if (!str_ends_with((string) end($frames), "\x91\x02")) {
        throw new RuntimeException('the raw add(1, 1) reply went wrong');
    }
};

$client = new Example\Calculator\CalculatorClient($endpoint);
$clientAdd = static function () use ($client): void {
    if ($client->add(1, 1) !== 2) {
        throw new RuntimeException('add(1, 1) went wrong');
    }
};

// Each measurement is cut into slices, the setups alternating slice by slice (ABBA), so a load
// change on a shared machine hits both alike.
const SLICES = 5;

/**
 * @return array{0: int, 1: float} calls made and seconds taken, calling for about $seconds
 */
function rate(callable $call, float $seconds): array
{
    $calls = 0;
    $started = hrtime(true);
    $deadline = $started + (int) ($seconds * 1e9);
    while (true) {
        // Read the clock every 50 calls so timing costs little.
        for ($i = 0; $i < 50; $i++) {
            $call();
        }
        $calls += 50;
        $now = hrtime(true);
        if ($now >= $deadline) {
            return [$calls, ($now - $started) / 1e9];
        }
    }
}

// CPU time of this process (user + system), libzmq's I/O thread included.
function cpuSeconds(): float
{
    $usage = getrusage();
    return $usage['ru_utime.tv_sec'] + $usage['ru_stime.tv_sec']
        + ($usage['ru_utime.tv_usec'] + $usage['ru_stime.tv_usec']) / 1e6;
}

$setups = ['php raw php-zmq' => $rawAdd, 'php client' => $clientAdd];
foreach ($setups as $call) {
    rate($call, 0.05);
}
echo "ready\n";
while (($line = fgets(STDIN)) !== false) {
    [$seconds, $flip] = explode(' ', trim($line));
    $totals = array_map(static fn (): array => [0, 0.0, 0.0], $setups);
    for ($piece = 0; $piece < SLICES; $piece++) {
        $order = ($piece + (int) $flip) % 2 === 1 ? array_reverse($setups, true) : $setups;
        foreach ($order as $name => $call) {
            $cpu = cpuSeconds();
            [$calls, $taken] = rate($call, (float) $seconds / SLICES);
            $totals[$name][0] += $calls;
            $totals[$name][1] += $taken;
            $totals[$name][2] += cpuSeconds() - $cpu;
        }
    }
    foreach ($totals as $name => [$calls, $taken, $cpu]) {
        printf("%s\t%.1f\t%.2f\n", $name, $calls / $taken, $cpu / $calls * 1e6);
    }
    echo "end\n";
}
$client->close();
