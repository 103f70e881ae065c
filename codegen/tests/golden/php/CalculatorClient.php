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

    private readonly Runtime\Connection $connection;

    /**
     * @param string $endpoint the server's ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
     * @param float $timeout seconds to wait for the first reply of a call
     * @param ?float $heartbeat heartbeat interval in seconds, the server's (null: none)
     * @throws Runtime\TransportException when the socket cannot be set up
     */
    public function __construct(string $endpoint, float $timeout = 30.0, ?float $heartbeat = 5.0)
    {
        $this->connection = new Runtime\Connection($endpoint, $timeout, $heartbeat, self::ERRORS);
    }

    /**
     * Adds two integers.
     */
    public function add(int $a, int $b): int
    {
        return $this->connection->call('add', [$a, $b]);
    }

    /**
     * Divides a by b.
     *
     * @throws DivisionByZero
     */
    public function divide(float $a, float $b): float
    {
        return $this->connection->call('divide', [$a, $b]);
    }

    /**
     * Yields n, n-1, ..., 1.
     *
     * @return \Generator<int, int>
     */
    public function countdown(int $n): \Generator
    {
        yield from $this->connection->stream('countdown', [$n]);
    }

    /**
     * Moves a point.
     */
    public function translate(Point $p, float $dx, float $dy): Point
    {
        $result = $this->connection->call('translate', [$p->toWire(), $dx, $dy]);
        return Point::fromWire($result);
    }

    /**
     * Counts the values by kind.
     *
     * @param list<Value> $values
     * @return array<string, int>
     */
    public function classify(array $values): array
    {
        $valuesWire = array_map(static fn ($item) => $item->toWire(), $values);
        return $this->connection->call('classify', [$valuesWire]);
    }

    /**
     * Echoes raw bytes.
     */
    public function echoBytes(string $data): string
    {
        return $this->connection->call('echo_bytes', [new Runtime\Bin($data)]);
    }

    /**
     * Sleeps for ms milliseconds, then returns ms (long calls, heartbeats, timeouts).
     */
    public function sleep(int|string $ms): int|string
    {
        return $this->connection->call('sleep', [Runtime\Uint64::wire($ms)]);
    }

    /**
     * Names of all shapes.
     *
     * @return list<Shape>
     */
    public function shapes(): array
    {
        $result = $this->connection->call('shapes', []);
        return array_map(static fn ($item) => Shape::from($item), $result);
    }

    /**
     * @return void at once: the server sends nothing back (oneway)
     */
    public function log(string $line): void
    {
        $this->connection->oneway('log', [$line]);
    }
}
