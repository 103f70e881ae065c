<?php

// Live test of the generated PHP client against a running calculator server.
// Usage: php calculator_test.php GENERATED_DIR   (env ZRPC_ENDPOINT, ZRPC_DOWN_ENDPOINT;
// the server must run with a heartbeat of 1 s)

declare(strict_types=1);

require $argv[1] . '/autoload.php';

use Example\Calculator\CalculatorClient;
use Example\Calculator\DivisionByZero;
use Example\Calculator\Point;
use Example\Calculator\Shape;
use Example\Calculator\Value;

error_reporting(-1);
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    throw new ErrorException($message, 0, $severity, $file, $line);
});

$endpoint = getenv('ZRPC_ENDPOINT');
$downEndpoint = getenv('ZRPC_DOWN_ENDPOINT');
$assertions = 0;

function check(bool $condition, string $what): void
{
    global $assertions;
    $assertions++;
    if (!$condition) {
        throw new RuntimeException("assertion failed: {$what}");
    }
}

function same(mixed $expected, mixed $actual, string $what): void
{
    check($expected === $actual, $what . ': expected ' . var_export($expected, true) . ', got ' . var_export($actual, true));
}

/**
 * @template E of Throwable
 * @param class-string<E> $class
 * @return E
 */
function raises(string $class, callable $call): Throwable
{
    try {
        $call();
    } catch (Throwable $e) {
        check($e instanceof $class, "expected {$class}, got " . get_class($e) . ': ' . $e->getMessage());
        return $e;
    }
    throw new RuntimeException("expected {$class}, nothing was thrown");
}

function elapsed(callable $call): float
{
    $started = hrtime(true);
    $call();
    return (hrtime(true) - $started) / 1e9;
}

function nonZero(array $counts): array
{
    return array_filter($counts, static fn (int $count): bool => $count !== 0);
}

$client = new CalculatorClient($endpoint, timeout: 10.0, heartbeat: 1.0);

$tests = [
    'add' => function () use ($client): void {
        same(3, $client->add(1, 2), 'add');
        same(-5_000_000_000, $client->add(-2_500_000_000, -2_500_000_000), 'add large');
    },
    'divide' => function () use ($client): void {
        same(2.5, $client->divide(5, 2), 'divide');
    },
    'division by zero raises the typed error with its field' => function () use ($client): void {
        $error = raises(DivisionByZero::class, fn () => $client->divide(7.5, 0));
        same(7.5, $error->dividend, 'dividend');
        same('DivisionByZero', $error->name, 'name');
        check($error instanceof \Zrpc\RemoteException, 'typed errors are remote exceptions');
    },
    'countdown generator' => function () use ($client): void {
        same([5, 4, 3, 2, 1], iterator_to_array($client->countdown(5)), 'countdown 5');
        same([], iterator_to_array($client->countdown(0)), 'countdown 0');
    },
    'countdown of ten thousand items' => function () use ($client): void {
        same(range(10000, 1), iterator_to_array($client->countdown(10000)), 'countdown 10000');
    },
    'stream abandoned early leaves the client usable' => function () use ($client): void {
        foreach ($client->countdown(1000) as $item) {
            same(1000, $item, 'first item');
            break;
        }
        same(4, $client->add(2, 2), 'add after abandoned stream');
    },
    'translate with optional absent and default tags' => function () use ($client): void {
        $moved = $client->translate(new Point(x: 1, y: 2), 0.5, -1);
        same(1.5, $moved->x, 'x');
        same(1.0, $moved->y, 'y');
        same(null, $moved->label, 'label');
        same([], $moved->tags, 'tags');
    },
    'translate with optional present and tags' => function () use ($client): void {
        $moved = $client->translate(new Point(x: -1.25, y: 0, label: 'héllo', tags: ['a', 'b']), 1, 1);
        same([-0.25, 1.0, 'héllo', ['a', 'b']], [$moved->x, $moved->y, $moved->label, $moved->tags], 'point');
    },
    'classify every union variant' => function () use ($client): void {
        $counts = $client->classify([
            new Value\IntValue(1),
            new Value\IntValue(-2),
            new Value\TextValue('three'),
            new Value\PointValue(new Point(x: 4, y: 4, label: 'four')),
        ]);
        $counts = nonZero($counts);
        ksort($counts);
        same(['int' => 2, 'point' => 1, 'text' => 1], $counts, 'counts');
    },
    'classify empty list gives an empty map' => function () use ($client): void {
        same([], nonZero($client->classify([])), 'empty counts');
    },
    'union and map wire forms' => function (): void {
        $expected = "\x81\xa5point\x84\xa1x\xcb" . pack('E', 1.0) . "\xa1y\xcb" . pack('E', 2.0) . "\xa5label\xc0\xa4tags\x90";
        $packed = \Zrpc\Wire::pack((new Value\PointValue(new Point(x: 1, y: 2)))->toWire());
        same(bin2hex($expected), bin2hex($packed), 'union bytes');
        same('t', Value::fromWire(['text' => 't'])->value, 'union decode');
        raises(\Zrpc\ProtocolException::class, fn () => Value::fromWire(['nope' => 1]));
        same("\x80", \Zrpc\Wire::pack(new \Zrpc\WireMap([])), 'empty map');
        same("\x81\xa11\x02", \Zrpc\Wire::pack(new \Zrpc\WireMap(['1' => 2])), 'numeric string key stays str');
        same("\xc4\x02\x00\xff", \Zrpc\Wire::pack(new \Zrpc\Bin("\x00\xff")), 'bin');
    },
    'echo bytes keeps non-UTF-8 content' => function () use ($client): void {
        $data = "\x00\xff\xfe\x80zrpc";
        same($data, $client->echoBytes($data), 'echo');
        same('', $client->echoBytes(''), 'echo empty');
        $long = random_bytes(70000);
        same($long, $client->echoBytes($long), 'echo 70000 bytes');
    },
    'shapes' => function () use ($client): void {
        same([Shape::Circle, Shape::Square, Shape::Triangle], $client->shapes(), 'shapes');
    },
    'oneway log returns at once' => function () use ($client): void {
        $client->log('from php');
        same(2, $client->add(1, 1), 'add after oneway');
    },
    'call outliving three heartbeat intervals' => function () use ($client): void {
        $result = null;
        $took = elapsed(function () use ($client, &$result): void {
            $result = $client->sleep(3500);
        });
        same(3500, $result, 'sleep');
        check($took >= 3.4, "slept {$took}s");
    },
    'timeout' => function () use ($endpoint): void {
        $client = new CalculatorClient($endpoint, timeout: 0.5, heartbeat: 1.0);
        $error = null;
        $took = elapsed(function () use ($client, &$error): void {
            $error = raises(\Zrpc\TimeoutException::class, fn () => $client->sleep(3000));
        });
        check(str_contains($error->getMessage(), 'within 0.5s'), $error->getMessage());
        check($took < 2, "timed out after {$took}s");
        same(5, $client->add(2, 3), 'usable after a timeout');
    },
    'server down fails clearly without hanging' => function () use ($downEndpoint): void {
        $client = new CalculatorClient($downEndpoint, timeout: 2.0, heartbeat: 0.5);
        $error = null;
        $took = elapsed(function () use ($client, &$error): void {
            $error = raises(\Zrpc\UnreachableException::class, fn () => $client->add(1, 2));
        });
        check(str_contains($error->getMessage(), 'is the server running'), $error->getMessage());
        check($took < 3, "gave up after {$took}s");
    },
    'unknown method' => function () use ($endpoint): void {
        $connection = new \Zrpc\Connection($endpoint, 5.0, 1.0);
        $error = raises(\Zrpc\UnknownMethodException::class, fn () => $connection->call('no_such_method', []));
        check(str_contains($error->getMessage(), 'no_such_method'), $error->getMessage());
    },
];

$failures = 0;
foreach ($tests as $name => $test) {
    try {
        $test();
        echo "ok   {$name}\n";
    } catch (Throwable $e) {
        $failures++;
        echo "FAIL {$name}: " . get_class($e) . ': ' . $e->getMessage() . "\n";
    }
}
$count = count($tests);
echo "{$count} tests, {$assertions} assertions, {$failures} failures\n";
exit($failures === 0 ? 0 : 1);
