<?php

declare(strict_types=1);

namespace {{ namespace }};

{{ doc }}final class {{ name }}
{
    /** Declared errors the server may raise, by wire name. */
    private const ERRORS = [{{ errors }}];

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
{%- for m in methods %}

{{ m.doc }}    public function {{ m.name }}({{ m.params }}): {{ m.returns }}
    {
{{ m.body }}
    }
{%- endfor %}
}
