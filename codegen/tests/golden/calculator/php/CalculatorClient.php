<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * Client of the `Calculator` service.
 */
final class CalculatorClient
{
    /** Declared errors the server may raise, by wire name. */
    private const ERRORS = ['DivisionByZero' => DivisionByZero::class];

    private readonly \Zrpc\Connection $connection;

    /**
     * @param string $endpoint the server's ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
     * @param float $timeout seconds to wait for the first reply of a call (each method also takes
     *     its own `timeout`)
     * @param ?float $heartbeat heartbeat interval in seconds (null: none)
     * @param ?string $curveServerKey the server's CURVE public key (Z85)
     * @param ?string $curvePublicKey this client's CURVE public key (Z85)
     * @param ?string $curveSecretKey this client's CURVE secret key (Z85)
     * @throws \Zrpc\TransportException when the socket cannot be set up
     */
    public function __construct(
        string $endpoint,
        float $timeout = 30.0,
        ?float $heartbeat = 5.0,
        ?string $curveServerKey = null,
        ?string $curvePublicKey = null,
        ?string $curveSecretKey = null,
    ) {
        $this->connection = new \Zrpc\Connection(
            $endpoint,
            $timeout,
            $heartbeat,
            self::ERRORS,
            curveServerKey: $curveServerKey,
            curvePublicKey: $curvePublicKey,
            curveSecretKey: $curveSecretKey,
        );
    }

    /**
     * The underlying connection, for raw calls by method name.
     */
    public function connection(): \Zrpc\Connection
    {
        return $this->connection;
    }

    /**
     * Closes the socket; later calls throw \Zrpc\ClientClosedException.
     */
    public function close(): void
    {
        $this->connection->close();
    }

    /**
     * Adds two integers.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function add(int $a, int $b, ?float $timeout = null): int
    {
        return $this->connection->call('add', [$a, $b], $timeout, static fn (mixed $result): int => $result);
    }

    /**
     * Divides a by b.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @throws DivisionByZero
     */
    public function divide(float $a, float $b, ?float $timeout = null): float
    {
        return $this->connection->call('divide', [$a, $b], $timeout, static fn (mixed $result): float => $result);
    }

    /**
     * Yields n, n-1, ..., 1.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return \Generator<int, int>
     */
    public function countdown(int $n, ?float $timeout = null): \Generator
    {
        yield from $this->connection->stream('countdown', [$n], $timeout, static fn (mixed $item): int => $item);
    }

    /**
     * Moves a point.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function translate(Point $p, float $dx, float $dy, ?float $timeout = null): Point
    {
        return $this->connection->call(
            'translate',
            [$p->toWire(), $dx, $dy],
            $timeout,
            static fn (mixed $result): Point => Point::fromWire($result),
        );
    }

    /**
     * Counts the values by kind.
     *
     * @param list<Value> $values
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return array<string, int>
     */
    public function classify(array $values, ?float $timeout = null): array
    {
        $valuesWire = array_map(static fn ($item) => $item->toWire(), $values);
        return $this->connection->call(
            'classify',
            [$valuesWire],
            $timeout,
            static fn (mixed $result): array => $result,
        );
    }

    /**
     * Echoes raw bytes.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function echoBytes(string $data, ?float $timeout = null): string
    {
        return $this->connection->call(
            'echo_bytes',
            [new \Zrpc\Bin($data)],
            $timeout,
            static fn (mixed $result): string => $result,
        );
    }

    /**
     * Sleeps for ms milliseconds, then returns ms (long calls, heartbeats, timeouts).
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function sleep(int|string $ms, ?float $timeout = null): int|string
    {
        return $this->connection->call(
            'sleep',
            [\Zrpc\Uint64::wire($ms)],
            $timeout,
            static fn (mixed $result): int|string => $result,
        );
    }

    /**
     * Names of all shapes.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return list<Shape>
     */
    public function shapes(?float $timeout = null): array
    {
        return $this->connection->call(
            'shapes',
            [],
            $timeout,
            static fn (mixed $result): array => array_map(static fn ($item2) => Shape::from($item2), $result),
        );
    }

    /**
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return void at once: the server sends nothing back (oneway)
     */
    public function log(string $line, ?float $timeout = null): void
    {
        $this->connection->oneway('log', [$line], $timeout);
    }
}
