<?php

declare(strict_types=1);

namespace Users;

/**
 * Receives `Users` events (a share of them, PULL); connects, or binds with `bind: true`.
 *
 * `run()` calls the handler for each event until `stop()`; iterating (`foreach`) yields typed
 * events instead. An event that does not match the IDL is dropped with a rate-limited line on
 * stderr; so is an exception thrown by the handler, and `run()` goes on.
 *
 * @implements \IteratorAggregate<int, UsersEvent>
 */
final class UsersPuller implements \IteratorAggregate
{
    /** @var \Zrpc\Puller<UsersEvent> */
    private readonly \Zrpc\Puller $socket;

    /**
     * @param string $endpoint a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4243"
     * @param ?UsersHandler $handler what run() calls for each event
     * @param bool $bind bind the endpoint instead of connecting to it
     * @param ?string $curveServerKey the peer's CURVE public key (Z85): this side is the CURVE client
     * @param ?string $curvePublicKey this side's CURVE public key (Z85)
     * @param ?string $curveSecretKey this side's CURVE secret key (Z85); alone: the CURVE server
     * @throws \Zrpc\TransportException when the socket cannot be set up
     */
    public function __construct(
        string $endpoint,
        private readonly ?UsersHandler $handler = null,
        bool $bind = false,
        ?string $curveServerKey = null,
        ?string $curvePublicKey = null,
        ?string $curveSecretKey = null,
    ) {
        $this->socket = new \Zrpc\Puller(
            $endpoint,
            UsersEvents::decode(...),
            $bind,
            $curveServerKey,
            $curvePublicKey,
            $curveSecretKey,
        );
    }

    /**
     * Dispatches each event to the handler until stop() (blocking).
     *
     * @throws \LogicException without a handler
     */
    public function run(): void
    {
        $handler = $this->handler ?? throw new \LogicException('run() needs the handler given to the constructor');
        $this->socket->run(static fn (UsersEvent $event) => $event->dispatch($handler));
    }

    /**
     * Ends run() and iteration: call it from the handler (or the body of a foreach).
     */
    public function stop(): void
    {
        $this->socket->stop();
    }

    /**
     * The next event, or null after $timeout seconds or once stopped.
     */
    public function receive(?float $timeout = null): ?UsersEvent
    {
        return $this->socket->receive($timeout);
    }

    /**
     * Typed events until stop().
     *
     * @return \Generator<int, UsersEvent>
     */
    public function getIterator(): \Generator
    {
        return $this->socket->getIterator();
    }

    /**
     * Stops and closes the socket.
     */
    public function close(): void
    {
        $this->socket->close();
    }
}
