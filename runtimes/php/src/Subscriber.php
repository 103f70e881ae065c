<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * A SUB socket subscribed to every event.
 *
 * @template T of object
 * @extends EventReceiver<T>
 */
final class Subscriber extends EventReceiver
{
    /**
     * @param string $endpoint a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4243"
     * @param callable(string, list<mixed>): T $decode the typed decoding of the events (generated
     *     code's); throws ProtocolException for an event that does not match
     * @param bool $bind bind the endpoint instead of connecting to it
     * @param ?string $curveServerKey the peer's CURVE public key (Z85): this side is the CURVE client
     * @param ?string $curvePublicKey this side's CURVE public key (Z85)
     * @param ?string $curveSecretKey this side's CURVE secret key (Z85); alone: the CURVE server
     * @param int $maxMessageSize larger messages drop the connection before they are held in memory
     * @throws TransportException when the socket cannot be set up
     * @throws \InvalidArgumentException for a bad key or key combination
     */
    public function __construct(
        string $endpoint,
        callable $decode,
        bool $bind = false,
        ?string $curveServerKey = null,
        ?string $curvePublicKey = null,
        ?string $curveSecretKey = null,
        int $maxMessageSize = Connection::DEFAULT_MAX_MESSAGE_SIZE,
    ) {
        parent::__construct(
            \ZMQ::SOCKET_SUB,
            $endpoint,
            $decode,
            $bind,
            $curveServerKey,
            $curvePublicKey,
            $curveSecretKey,
            $maxMessageSize,
        );
    }
}
