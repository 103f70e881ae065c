<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * The sending side of events (PUB, PUSH): each event carries the header of a client request
 * (v 3, a fresh message_id), so stock zerorpc subscribers and pullers take part.
 *
 * @internal the base of Publisher and Pusher
 */
abstract class EventSender extends EventSocket
{
    /** How long closing waits for queued events to leave, in milliseconds. */
    private const CLOSE_LINGER_MS = 500;

    private string $idPrefix;

    private int $counter;

    private bool $sent = false;

    protected function __construct(
        int $kind,
        string $endpoint,
        bool $bind,
        ?string $curveServerKey,
        ?string $curvePublicKey,
        ?string $curveSecretKey,
    ) {
        parent::__construct($kind, $endpoint, $bind, $curveServerKey, $curvePublicKey, $curveSecretKey);
        $this->idPrefix = bin2hex(random_bytes(12));
        $this->counter = random_int(0, 0xffffffff);
    }

    /**
     * Closes the socket, flushing events still queued for at most half a second.
     */
    public function close(): void
    {
        $this->closeSocket($this->sent ? self::CLOSE_LINGER_MS : 0);
    }

    /**
     * @param list<mixed> $args the arguments in wire form
     * @throws ClientClosedException once closed
     * @throws TransportException when ZeroMQ refuses the message
     */
    protected function sendEvent(string $name, array $args): void
    {
        $socket = $this->socket();
        $this->counter = ($this->counter + 1) & 0xffffffff;
        $header = ['message_id' => new Bin($this->idPrefix . sprintf('%08x', $this->counter)), 'v' => 3];
        try {
            $socket->send(Wire::pack([$header, $name, $args]));
        } catch (\ZMQException $e) {
            throw new TransportException("cannot send to {$this->endpoint}: {$e->getMessage()}", 0, $e);
        }
        $this->sent = true;
    }
}
