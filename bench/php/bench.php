<?php

// Sequential calls/s of the generated PHP client (add(1, 2)) against a running calculator
// server, beside a raw php-zmq DEALER ping-pong with hand-made frames against the same server.
// Usage: php bench/php/bench.php GENERATED_DIR ENDPOINT [CALLS_PER_ROUND] [ROUNDS]

declare(strict_types=1);

require $argv[1] . '/autoload.php';

$endpoint = $argv[2];
$calls = (int) ($argv[3] ?? 1000);
$rounds = (int) ($argv[4] ?? 31);

function median(array $values): float
{
    sort($values);
    $mid = intdiv(count($values), 2);
    return count($values) % 2 === 1 ? $values[$mid] : ($values[$mid - 1] + $values[$mid]) / 2;
}

function now(): float
{
    return hrtime(true) / 1e9;
}

// The floor: one DEALER, the request bytes built by hand, the reply not decoded.
$context = new ZMQContext(1, false);
$raw = new ZMQSocket($context, ZMQ::SOCKET_DEALER);
$raw->setSockOpt(ZMQ::SOCKOPT_LINGER, 0);
$raw->connect($endpoint);
$prefix = bin2hex(random_bytes(12));
$rawCall = static function (int $counter) use ($raw, $prefix): string {
    $raw->sendmulti(['', "\x93\x82\xaamessage_id\xc4\x20" . $prefix . sprintf('%08x', $counter) . "\xa1v\x03\xa3add\x92\x01\x02"]);
    $frames = $raw->recvMulti();
    return end($frames);
};

$client = new Example\Calculator\CalculatorClient($endpoint);
if ($client->add(1, 2) !== 3 || !str_ends_with($rawCall(0), "\x91\x03")) {
    throw new RuntimeException('unexpected add result');
}

// Short alternating rounds, the order flipped each round, so load changes on a shared machine
// hit both sides alike; the ratio is the median of the per-round ratios.
$measure = static function (callable $call) use ($calls): float {
    $started = now();
    for ($i = 0; $i < $calls; $i++) {
        $call();
    }
    return $calls / (now() - $started);
};
$generatedRates = [];
$rawRates = [];
$counter = 0;
$generated = static fn (): float => $measure(static fn () => $client->add(1, 2));
$floor = static function () use ($measure, $rawCall, &$counter): float {
    return $measure(static function () use ($rawCall, &$counter): void {
        $rawCall(++$counter);
    });
};
for ($round = 0; $round < $rounds; $round++) {
    if ($round % 2 === 0) {
        $generatedRates[] = $generated();
        $rawRates[] = $floor();
    } else {
        $rawRates[] = $floor();
        $generatedRates[] = $generated();
    }
}
$ratios = array_map(static fn (float $g, float $r): float => $g / $r, $generatedRates, $rawRates);
printf("php   generated client  %8.0f calls/s (median of %d rounds of %d calls)\n", median($generatedRates), $rounds, $calls);
printf("php   raw php-zmq       %8.0f calls/s\n", median($rawRates));
printf("php   ratio             %8.2f (median of per-round ratios; target >= 0.70)\n", median($ratios));
