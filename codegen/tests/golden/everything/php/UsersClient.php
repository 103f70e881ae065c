<?php

declare(strict_types=1);

namespace Users;

/**
 * Users, by id.
 */
final class UsersClient
{
    /** Declared errors the server may raise, by wire name. */
    private const ERRORS = ['NotFound' => NotFound::class, 'Forbidden' => Forbidden::class];

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
     * Fetches a user.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @throws NotFound
     */
    public function get(int $id, ?float $timeout = null): User
    {
        return $this->connection->call(
            'get',
            [$id],
            $timeout,
            static fn (mixed $result): User => User::fromWire($result),
        );
    }

    /**
     * Deletes a user.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @throws NotFound
     * @throws Forbidden
     */
    public function delete(int $id, string $type, ?float $timeout = null): void
    {
        $this->connection->call('delete', [$id, $type], $timeout);
    }

    /**
     * Every user, one by one.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return \Generator<int, User>
     */
    public function list(?Role $role = null, ?float $timeout = null): \Generator
    {
        yield from $this->connection->stream(
            'list',
            [$role === null ? null : $role->value],
            $timeout,
            static fn (mixed $item): User => User::fromWire($item),
        );
    }

    /**
     * All users by name.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return array<string, User>
     */
    public function directory(?float $timeout = null): array
    {
        return $this->connection->call(
            'directory',
            [],
            $timeout,
            static fn (mixed $result): array => array_map(static fn ($item2) => User::fromWire($item2), $result),
        );
    }

    /**
     * Fire and forget.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return void at once: the server sends nothing back (oneway)
     */
    public function touch(int $id, ?float $timeout = null): void
    {
        $this->connection->oneway('touch', [$id], $timeout);
    }

    /**
     * Escaped method names.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function match(string $self, ?float $timeout = null): bool
    {
        return $this->connection->call('match', [$self], $timeout, static fn (mixed $result): bool => $result);
    }

    /**
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function schema(?float $timeout = null): string
    {
        return $this->connection->call('schema', [], $timeout, static fn (mixed $result): string => $result);
    }

    /**
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @throws NotFound
     */
    public function fetch(int $id, ?float $timeout = null): User
    {
        return $this->connection->call(
            'fetch',
            [$id],
            $timeout,
            static fn (mixed $result): User => User::fromWire($result),
        );
    }

    /**
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function find(int $id, ?float $timeout = null): ?User
    {
        return $this->connection->call(
            'find',
            [$id],
            $timeout,
            static fn (mixed $result): ?User => $result === null ? null : User::fromWire($result),
        );
    }

    /**
     * @param list<Node> $nodes
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return array<string, Shape>
     */
    public function shapes(array $nodes, ?float $timeout = null): array
    {
        $nodesWire = array_map(static fn ($item) => $item->toWire(), $nodes);
        return $this->connection->call(
            'shapes',
            [$nodesWire],
            $timeout,
            static fn (mixed $result): array => array_map(static fn ($item2) => Shape::fromWire($item2), $result),
        );
    }

    /**
     * Stores a user and returns it as stored.
     *
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     */
    public function save(User $user, ?float $timeout = null): User
    {
        return $this->connection->call(
            'save',
            [$user->toWire()],
            $timeout,
            static fn (mixed $result): User => User::fromWire($result),
        );
    }

    /**
     * Settings, by a type named like Rust's `Option`.
     *
     * @param list<string> $names
     * @param ?float $timeout seconds to wait for the reply (null: the client's timeout)
     * @return list<Option>
     */
    public function options(array $names, ?float $timeout = null): array
    {
        return $this->connection->call(
            'options',
            [$names],
            $timeout,
            static fn (mixed $result): array => array_map(static fn ($item2) => Option::fromWire($item2), $result),
        );
    }
}
