<?php

// The generated PHP telemetry package (zrpc gen --lang php examples/telemetry) as an event peer
// for tests/tests/events_generated.rs; ZRPC_PHP_RUNTIME points at runtimes/php.
//
// php generated_events.php GENERATED_DIR MODE ENDPOINT [N]
//   subscriber ENDPOINT N      connects a TelemetrySubscriber, runs it with a handler printing
//                              each event as a JSON line {"event": NAME, "args": [...]}, stops
//                              after N;
//   puller ENDPOINT N          binds a TelemetryPuller, prints "ready", then prints N events read
//                              with foreach (IteratorAggregate);
//   failing-puller ENDPOINT N  binds a TelemetryPuller, prints "ready", runs it with a handler
//                              that prints readings and throws on every offline event, stops
//                              after N readings;
//   publisher ENDPOINT         connects a TelemetryPublisher, publishes reading("kitchen", i)
//                              every 10 ms for at most 20 s;
//   pusher ENDPOINT N          connects a TelemetryPusher, pushes reading("kitchen", i) for
//                              i < N, then offline("kitchen", "done"), and closes 1 s later.
// ZRPC_CURVE_SERVER_KEY, ZRPC_CURVE_PUBLIC_KEY and ZRPC_CURVE_SECRET_KEY, when set, are passed
// to every constructor as curveServerKey, curvePublicKey and curveSecretKey.

declare(strict_types=1);

require $argv[1] . '/autoload.php';

use Example\Telemetry\TelemetryHandler;
use Example\Telemetry\TelemetryOffline;
use Example\Telemetry\TelemetryPublisher;
use Example\Telemetry\TelemetryPuller;
use Example\Telemetry\TelemetryPusher;
use Example\Telemetry\TelemetryReading;
use Example\Telemetry\TelemetrySubscriber;

error_reporting(-1);

function show(string $name, array $args): void
{
    echo json_encode(['event' => $name, 'args' => $args], JSON_PRESERVE_ZERO_FRACTION), "\n";
}

/**
 * A handler that stops its receiver after `wanted` events; with `failOffline`, it throws on
 * offline events instead of counting them.
 */
final class Printer implements TelemetryHandler
{
    public TelemetrySubscriber|TelemetryPuller|null $receiver = null;

    public function __construct(private int $wanted, private readonly bool $failOffline = false)
    {
    }

    public function reading(string $sensor, float $valueArg): void
    {
        $this->seen('reading', [$sensor, $valueArg]);
    }

    public function offline(string $sensor, string $reason): void
    {
        if ($this->failOffline) {
            throw new \RuntimeException("boom: {$reason}");
        }
        $this->seen('offline', [$sensor, $reason]);
    }

    private function seen(string $name, array $args): void
    {
        show($name, $args);
        if (--$this->wanted <= 0) {
            $this->receiver?->stop();
        }
    }
}

[, , $mode, $endpoint] = $argv;
$count = (int) ($argv[4] ?? 0);
$curve = [
    'curveServerKey' => getenv('ZRPC_CURVE_SERVER_KEY') ?: null,
    'curvePublicKey' => getenv('ZRPC_CURVE_PUBLIC_KEY') ?: null,
    'curveSecretKey' => getenv('ZRPC_CURVE_SECRET_KEY') ?: null,
];
switch ($mode) {
    case 'subscriber':
        $printer = new Printer($count);
        $subscriber = new TelemetrySubscriber($endpoint, $printer, ...$curve);
        $printer->receiver = $subscriber;
        $subscriber->run();
        $subscriber->close();
        break;
    case 'puller':
        $puller = new TelemetryPuller($endpoint, ...$curve, bind: true);
        echo "ready\n";
        foreach ($puller as $event) {
            if ($event instanceof TelemetryReading) {
                show('reading', [$event->sensor, $event->valueArg]);
            } elseif ($event instanceof TelemetryOffline) {
                show('offline', [$event->sensor, $event->reason]);
            }
            if (--$count <= 0) {
                break;
            }
        }
        $puller->close();
        break;
    case 'failing-puller':
        $printer = new Printer($count, failOffline: true);
        $puller = new TelemetryPuller($endpoint, $printer, ...$curve, bind: true);
        $printer->receiver = $puller;
        echo "ready\n";
        $puller->run();
        $puller->close();
        break;
    case 'publisher':
        $publisher = new TelemetryPublisher($endpoint, ...$curve);
        for ($i = 0; $i < 2000; $i++) {
            $publisher->reading('kitchen', (float) $i);
            usleep(10000);
        }
        break;
    case 'pusher':
        $pusher = new TelemetryPusher($endpoint, ...$curve);
        for ($i = 0; $i < $count; $i++) {
            $pusher->reading('kitchen', (float) $i);
        }
        $pusher->offline('kitchen', 'done');
        // close() flushes for only half a second, too short for a CURVE handshake on a loaded
        // machine.
        sleep(1);
        $pusher->close();
        break;
    default:
        fwrite(STDERR, "unknown mode {$mode}\n");
        exit(2);
}
