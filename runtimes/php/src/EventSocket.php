<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * A socket of the event patterns (PUB/SUB, PUSH/PULL): zerorpc's [header, name, args] on one
 * frame. Any side binds ($bind true) or connects. CURVE as the clients name it: a
 * $curveServerKey makes this side the CURVE client (with its own key pair, else a fresh one);
 * a key pair alone makes it the CURVE server.
 *
 * @internal the base of Publisher, Pusher, Subscriber and Puller
 */
abstract class EventSocket
{
    private ?\ZMQContext $context;

    private ?\ZMQSocket $socket;

    /**
     * @throws TransportException when the socket cannot be set up
     * @throws \InvalidArgumentException for a bad key or key combination
     */
    protected function __construct(
        int $kind,
        public readonly string $endpoint,
        bool $bind,
        ?string $curveServerKey,
        ?string $curvePublicKey,
        ?string $curveSecretKey,
        int $maxMessageSize = Connection::DEFAULT_MAX_MESSAGE_SIZE,
    ) {
        CurveKeys::check($curveServerKey, $curvePublicKey, $curveSecretKey);
        try {
            $this->context = new \ZMQContext(1, false);
            $this->socket = new \ZMQSocket($this->context, $kind);
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_MAXMSGSIZE, $maxMessageSize);
            if ($curveServerKey !== null) {
                [$curvePublicKey, $curveSecretKey] = CurveKeys::clientPair($curvePublicKey, $curveSecretKey);
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVERKEY, $curveServerKey);
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_PUBLICKEY, $curvePublicKey);
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $curveSecretKey);
            } elseif ($curveSecretKey !== null) {
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVER, 1);
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $curveSecretKey);
            }
            if ($kind === \ZMQ::SOCKET_SUB) {
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_SUBSCRIBE, '');
            }
            if ($bind) {
                $this->socket->bind($endpoint);
            } else {
                $this->socket->connect($endpoint);
            }
        } catch (\ZMQException $e) {
            $verb = $bind ? 'bind' : 'connect to';
            throw new TransportException("cannot {$verb} {$endpoint}: {$e->getMessage()}", 0, $e);
        }
    }

    public function isClosed(): bool
    {
        return $this->socket === null;
    }

    /**
     * Closes the socket, giving queued events at most $linger milliseconds to leave. Closing twice
     * is harmless.
     */
    protected function closeSocket(int $linger): void
    {
        if ($this->socket === null) {
            return;
        }
        try {
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_LINGER, $linger);
        } catch (\ZMQException) {
            // Closing anyway.
        }
        // php-zmq closes a socket when it is freed, and the context waits for the linger.
        $this->socket = null;
        $this->context = null;
    }

    /**
     * @throws ClientClosedException once closed
     */
    protected function socket(): \ZMQSocket
    {
        if ($this->socket === null) {
            $kind = (new \ReflectionClass($this))->getShortName();
            throw new ClientClosedException("the {$kind} of {$this->endpoint} is closed");
        }
        return $this->socket;
    }
}
