<?php

/**
 * The scenarios of docs/protocol.md (section 10) for the PHP runtime.
 *
 * Usage: php run_scenario.php CALCULATOR_DIR SCENARIOS_DIR NAME (the generated clients; the
 * runtime comes from ZRPC_PHP_RUNTIME). Environment: ZRPC_ENDPOINT, ZRPC_HEARTBEAT (default 1),
 * ZRPC_CURVE_SERVER_KEY, ZRPC_CURVE_PUBLIC_KEY, ZRPC_CURVE_SECRET_KEY. Prints "ok NAME" or
 * exits non-zero.
 */

declare(strict_types=1);

require $argv[1] . '/autoload.php';
require $argv[2] . '/autoload.php';

use Example\Calculator\CalculatorClient;
use Example\Calculator\DivisionByZero;
use Zrpc\Scenarios\CalculatorClient as ScenariosClient;

const ENDPOINT_ENV = 'ZRPC_ENDPOINT';

function check(bool $condition, string $what): void
{
    if (!$condition) {
        throw new RuntimeException($what);
    }
}

function client(float $timeout = 30.0, bool $scenarios = false): CalculatorClient|ScenariosClient
{
    $endpoint = (string) getenv(ENDPOINT_ENV);
    $heartbeat = (float) (getenv('ZRPC_HEARTBEAT') ?: '1');
    $curve = [
        'curveServerKey' => getenv('ZRPC_CURVE_SERVER_KEY') ?: null,
        'curvePublicKey' => getenv('ZRPC_CURVE_PUBLIC_KEY') ?: null,
        'curveSecretKey' => getenv('ZRPC_CURVE_SECRET_KEY') ?: null,
    ];
    return $scenarios
        ? new ScenariosClient($endpoint, $timeout, $heartbeat, ...$curve)
        : new CalculatorClient($endpoint, $timeout, $heartbeat, ...$curve);
}

/**
 * @return array{0: Throwable, 1: float}
 */
function raises(string $class, callable $call): array
{
    $started = hrtime(true);
    try {
        $result = $call();
        if ($result instanceof Generator) {
            iterator_to_array($result, false);
        }
    } catch (Throwable $e) {
        check($e instanceof $class, 'expected ' . $class . ', got ' . get_class($e) . ': ' . $e->getMessage());
        return [$e, (hrtime(true) - $started) / 1e9];
    }
    throw new RuntimeException("expected {$class}, nothing was thrown");
}

$heartbeat = (float) (getenv('ZRPC_HEARTBEAT') ?: '1');
$refused = function (): void {
    [, $took] = raises(Zrpc\UnreachableException::class, fn () => client(2.0)->add(1, 2));
    check($took < 3, "refused after {$took}s");
};
$scenarios = [
    'unreachable' => function (): void {
        [$error, $took] = raises(Zrpc\UnreachableException::class, fn () => client(2.0)->add(1, 2));
        check($took >= 1.5 && $took < 3, "unreachable after {$took}s");
        check(str_contains($error->getMessage(), 'add'), $error->getMessage());
    },
    'timeout' => function (): void {
        $client = client(1.0);
        [$error, $took] = raises(Zrpc\TimeoutException::class, fn () => $client->sleep(5000));
        check($took >= 0.9 && $took < 2, "timed out after {$took}s");
        check(str_contains($error->getMessage(), 'sleep'), $error->getMessage());
        check(!str_contains($error->getMessage(), 'channel'), $error->getMessage());
        check($client->add(1, 2) === 3, 'usable after a timeout');
    },
    'lost_remote' => function () use ($heartbeat): void {
        [$error, $took] = raises(Zrpc\LostRemoteException::class, fn () => client(30.0)->sleep(20000));
        check($took < 4 + 2 * $heartbeat + 1.5, "lost after {$took}s");
        check(str_contains($error->getMessage(), 'sleep'), $error->getMessage());
    },
    'remote_error_typed' => function (): void {
        [$error] = raises(DivisionByZero::class, fn () => client()->divide(1, 0));
        check($error instanceof Zrpc\RemoteException && $error->dividend === 1.0, $error->getMessage());
    },
    'remote_error_untyped' => function (): void {
        [$error] = raises(Zrpc\RemoteException::class, fn () => client(scenarios: true)->divide(1, 0));
        check(get_class($error) === Zrpc\RemoteException::class, get_class($error));
        check($error->name === 'DivisionByZero', $error->getMessage());
    },
    'unknown_method' => function (): void {
        [$error] = raises(Zrpc\UnknownMethodException::class, fn () => client(scenarios: true)->noSuchMethod());
        check($error instanceof Zrpc\RemoteException && $error->name === 'NameError', $error->getMessage());
    },
    'wrong_result_type' => function (): void {
        [$error] = raises(Zrpc\ProtocolException::class, fn () => client(scenarios: true)->divide(1, 2));
        check(str_contains($error->getMessage(), 'divide'), $error->getMessage());
    },
    'call_after_close' => function (): void {
        $client = client();
        check($client->add(1, 2) === 3, 'add');
        $client->close();
        $client->close();
        raises(Zrpc\ClientClosedException::class, fn () => $client->add(1, 2));
    },
    'optional_args_default' => function (): void {
        $client = client(scenarios: true);
        $parameter = (new ReflectionMethod($client, 'echoBytes'))->getParameters()[0];
        check($parameter->isDefaultValueAvailable() && $parameter->getDefaultValue() === null, 'null default');
        [$error] = raises(Zrpc\RemoteException::class, fn () => $client->echoBytes());
        check($error->name === 'TypeError' && str_contains($error->remoteMessage, 'data'), $error->getMessage());
    },
    'per_call_timeout' => function (): void {
        [, $took] = raises(Zrpc\TimeoutException::class, fn () => client(30.0)->sleep(3000, timeout: 0.5));
        check($took >= 0.4 && $took < 1.5, "timed out after {$took}s");
    },
    'stream' => function (): void {
        check(iterator_to_array(client()->countdown(1000), false) === range(1000, 1), '1000 items in order');
    },
    'long_call' => fn () => check(client(10.0)->sleep(3500) === 3500, 'long call'),
    'heartbeat_mismatch' => fn () => check(client(60.0)->sleep(30000) === 30000, '30 s call'),
    'undecodable_reply' => fn () => check(client(5.0)->add(1, 2) === 3, 'garbage dropped'),
    'malformed_reply' => function (): void {
        [$error] = raises(Zrpc\ProtocolException::class, fn () => client(5.0)->add(1, 2));
        check(str_contains($error->getMessage(), 'add'), $error->getMessage());
    },
    'curve_allowed' => fn () => check(client(5.0)->add(1, 2) === 3, 'CURVE call'),
    'curve_unknown_key' => $refused,
    'curve_wrong_server_key' => $refused,
    'curve_none' => $refused,
];

$name = $argv[3];
$scenarios[$name]();
echo "ok {$name}\n";
