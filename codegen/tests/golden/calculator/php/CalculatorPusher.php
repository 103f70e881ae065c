<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * Sends `Calculator` events each to one puller (PUSH); connects, or binds with `bind: true`.
 */
final class CalculatorPusher
{
    private readonly \Zrpc\Pusher $socket;

    /**
     * @param string $endpoint a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4243"
     * @param bool $bind bind the endpoint instead of connecting to it
     * @param ?string $curveServerKey the peer's CURVE public key (Z85): this side is the CURVE client
     * @param ?string $curvePublicKey this side's CURVE public key (Z85)
     * @param ?string $curveSecretKey this side's CURVE secret key (Z85); alone: the CURVE server
     * @throws \Zrpc\TransportException when the socket cannot be set up
     */
    public function __construct(
        string $endpoint,
        bool $bind = false,
        ?string $curveServerKey = null,
        ?string $curvePublicKey = null,
        ?string $curveSecretKey = null,
    ) {
        $this->socket = new \Zrpc\Pusher($endpoint, $bind, $curveServerKey, $curvePublicKey, $curveSecretKey);
    }

    /**
     * Closes the socket, flushing queued events for at most half a second.
     */
    public function close(): void
    {
        $this->socket->close();
    }

    /**
     * The `log` event.
     */
    public function log(string $line): void
    {
        $this->socket->push('log', [$line]);
    }
}
