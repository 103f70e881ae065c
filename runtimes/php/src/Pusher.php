<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * A PUSH socket: each event goes to one connected puller, round robin; blocks while no puller
 * has room.
 */
final class Pusher extends EventSender
{
    /**
     * @param string $endpoint a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4243"
     * @param bool $bind bind the endpoint instead of connecting to it
     * @param ?string $curveServerKey the peer's CURVE public key (Z85): this side is the CURVE client
     * @param ?string $curvePublicKey this side's CURVE public key (Z85)
     * @param ?string $curveSecretKey this side's CURVE secret key (Z85); alone: the CURVE server
     * @throws TransportException when the socket cannot be set up
     * @throws \InvalidArgumentException for a bad key or key combination
     */
    public function __construct(
        string $endpoint,
        bool $bind = false,
        ?string $curveServerKey = null,
        ?string $curvePublicKey = null,
        ?string $curveSecretKey = null,
    ) {
        parent::__construct(\ZMQ::SOCKET_PUSH, $endpoint, $bind, $curveServerKey, $curvePublicKey, $curveSecretKey);
    }

    /**
     * Sends event $name to one puller.
     *
     * @param list<mixed> $args the arguments in wire form
     */
    public function push(string $name, array $args): void
    {
        $this->sendEvent($name, $args);
    }
}
