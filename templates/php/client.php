<?php

declare(strict_types=1);

namespace {{ namespace }};

{{ doc }}final class {{ name }}
{
    /** Declared errors the server may raise, by wire name. */
    private const ERRORS = [{{ errors }}];

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
{%- for m in methods %}

{{ m.doc }}    public function {{ m.name }}({{ m.params }}): {{ m.returns }}
    {
{{ m.body }}
    }
{%- endfor %}
}
