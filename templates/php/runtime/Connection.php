<?php

declare(strict_types=1);

namespace {{ namespace }}\Runtime;

/**
 * A connection to one server: a DEALER socket multiplexing the channels of the calls
 * (zerorpc protocol v3: heartbeats, stream credit, typed errors).
 */
final class Connection
{
    private \ZMQContext $context;

    private \ZMQSocket $socket;

    private int $receiveTimeout = -1;

    private \ZMQPoll $writable;

    private float $patience;

    private string $idPrefix;

    private int $counter;

    /** @var array<string, Channel> open channels by id */
    private array $channels = [];

    /**
     * @param string $endpoint a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
     * @param float $timeout seconds to wait for the first reply of a call
     * @param ?float $heartbeat heartbeat interval in seconds (null: no heartbeats)
     * @param array<string, class-string<RemoteException>> $errors declared error classes by wire name
     * @throws TransportException when the socket cannot be set up
     */
    public function __construct(
        private readonly string $endpoint,
        private readonly float $timeout,
        private readonly ?float $heartbeat,
        private readonly array $errors = [],
    ) {
        try {
            $this->context = new \ZMQContext(1, false);
            $this->socket = new \ZMQSocket($this->context, \ZMQ::SOCKET_DEALER);
            // LINGER 0: closing never waits for messages a dead server will not take.
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
            // IMMEDIATE: queue only on live connections, so a request never waits in the socket
            // for a server that may come back and run it after the caller gave up.
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_IMMEDIATE, 1);
            $this->socket->connect($endpoint);
        } catch (\ZMQException $e) {
            throw new TransportException("cannot connect to {$endpoint}: {$e->getMessage()}", 0, $e);
        }
        $this->writable = new \ZMQPoll();
        $this->writable->add($this->socket, \ZMQ::POLL_OUT);
        // How long a request waits for a connected server: the lost-remote window, at most.
        $this->patience = $heartbeat === null ? $timeout : min($timeout, 3 * $heartbeat);
        $this->idPrefix = bin2hex(random_bytes(12));
        $this->counter = random_int(0, 0xffffffff);
    }

    /**
     * Calls a method and returns its result, the value of OK [value].
     *
     * @param list<mixed> $args the arguments in wire form
     */
    public function call(string $method, array $args): mixed
    {
        $channel = $this->open($method, $args);
        try {
            [$header, $name, $value] = $this->nextEvent($channel, Clock::now() + $this->timeout);
        } finally {
            unset($this->channels[$channel->id]);
        }
        if ($name === 'ERR') {
            throw $this->remoteError($channel, $header, $value);
        }
        if ($name !== 'OK') {
            throw new ProtocolException("unexpected {$name} event for {$channel->describe()}");
        }
        return is_array($value) ? ($value[0] ?? null) : $value;
    }

    /**
     * Calls a streaming method; the request is sent when iteration starts.
     *
     * @param list<mixed> $args the arguments in wire form
     * @return \Generator<int, mixed> the STREAM items
     */
    public function stream(string $method, array $args): \Generator
    {
        $channel = $this->open($method, $args);
        try {
            $deadline = Clock::now() + $this->timeout;
            while (true) {
                [$header, $name, $value] = $this->nextEvent($channel, $deadline);
                if ($name === 'STREAM_DONE') {
                    return;
                }
                yield $this->streamItem($channel, $header, $name, $value);
                $deadline = null;
                $this->grant($channel);
            }
        } finally {
            unset($this->channels[$channel->id]);
        }
    }

    /**
     * Sends a request without waiting for any reply.
     *
     * @param list<mixed> $args the arguments in wire form
     */
    public function oneway(string $method, array $args): void
    {
        if (!$this->send($this->header($this->nextId()), $method, $args, $this->patience)) {
            throw $this->unreachable($method);
        }
    }

    /**
     * @param list<mixed> $args
     */
    private function open(string $method, array $args): Channel
    {
        $id = $this->nextId();
        if (!$this->send($this->header($id), $method, $args, $this->patience)) {
            throw $this->unreachable($method);
        }
        return $this->channels[$id] = new Channel($id, $method, $this->heartbeat);
    }

    private function unreachable(string $method): LostRemoteException
    {
        return new LostRemoteException(
            "no server reachable at {$this->endpoint} within {$this->patience}s when calling {$method}"
            . ' (is the server running?)'
        );
    }

    /**
     * Message ids: 24 random hex digits per connection plus an 8-digit counter.
     */
    private function nextId(): string
    {
        $this->counter = ($this->counter + 1) & 0xffffffff;
        return $this->idPrefix . sprintf('%08x', $this->counter);
    }

    /**
     * The packed header map {message_id: bin(id), v: 3[, response_to: bin(channel)]}.
     */
    private function header(string $id, ?string $responseTo = null): string
    {
        $header = "\xaamessage_id\xc4\x20{$id}\xa1v\x03";
        if ($responseTo === null) {
            return "\x82{$header}";
        }
        return "\x83{$header}\xabresponse_to" . Wire::pack(new Bin($responseTo));
    }

    /**
     * Sends one event after the empty delimiter frame, waiting up to $patience seconds for a
     * connected server; false when no server took it in time. Follow-up events (heartbeats,
     * credit) do not wait: a server that went away is noticed by the missing heartbeats.
     */
    private function send(string $header, string $name, mixed $args, float $patience = 0.0): bool
    {
        $frames = ['', "\x93" . $header . Wire::pack($name) . Wire::pack($args)];
        try {
            if ($this->socket->sendmulti($frames, \ZMQ::MODE_DONTWAIT) !== false) {
                return true;
            }
            $readable = [];
            $writable = [];
            $milliseconds = (int) ceil($patience * 1000);
            if ($patience <= 0 || $this->writable->poll($readable, $writable, $milliseconds) === 0) {
                return false;
            }
            return $this->socket->sendmulti($frames, \ZMQ::MODE_DONTWAIT) !== false;
        } catch (\ZMQException $e) {
            throw new TransportException("cannot send to {$this->endpoint}: {$e->getMessage()}", 0, $e);
        }
    }

    /**
     * @param array<string, mixed> $header
     */
    private function streamItem(Channel $channel, array $header, string $name, mixed $value): mixed
    {
        if ($name === 'STREAM') {
            return $value;
        }
        if ($name === 'ERR') {
            throw $this->remoteError($channel, $header, $value);
        }
        throw new ProtocolException("unexpected {$name} event for {$channel->describe()}");
    }

    /**
     * Tops the server's credit up to the window once half of it is used (like zerorpc).
     */
    private function grant(Channel $channel): void
    {
        if ($channel->reserved >= Channel::WINDOW / 2) {
            return;
        }
        $this->send($this->header($this->nextId(), $channel->id), '_zpc_more', [Channel::WINDOW - $channel->reserved]);
        $channel->reserved = Channel::WINDOW;
    }

    /**
     * Waits for the channel's next OK, ERR, STREAM or STREAM_DONE event, heartbeating meanwhile.
     *
     * @return array{0: array<string, mixed>, 1: string, 2: mixed}
     */
    private function nextEvent(Channel $channel, ?float $deadline): array
    {
        while ($channel->inbox === []) {
            $now = Clock::now();
            $this->checkAlive($channel, $deadline, $now);
            $this->pump($deadline, $now);
        }
        $channel->reserved--;
        return array_shift($channel->inbox);
    }

    private function checkAlive(Channel $channel, ?float $deadline, float $now): void
    {
        if ($deadline !== null && $now >= $deadline) {
            throw new TimeoutException(
                "no reply from {$this->endpoint} within {$this->timeout}s when calling {$channel->describe()}"
            );
        }
        if ($channel->lost($now)) {
            $silence = 2 * (float) $this->heartbeat;
            throw new LostRemoteException(
                "lost {$this->endpoint}: no heartbeat for {$silence}s while calling {$channel->describe()}"
                . ' (is the server running?)'
            );
        }
    }

    /**
     * Heartbeats every channel whose interval elapsed, then files the next event that arrives
     * before the deadline or the next heartbeat, whichever comes first.
     */
    private function pump(?float $deadline, float $now): void
    {
        $wakeUp = $deadline ?? $now + 1.0;
        foreach ($this->channels as $open) {
            if ($open->beatDue($now)) {
                $this->send($this->header($this->nextId(), $open->id), '_zpc_hb', [0]);
            }
            $wakeUp = min($wakeUp, $open->nextBeat() ?? $wakeUp);
        }
        $frames = $this->receive($wakeUp - $now);
        if ($frames !== null) {
            $this->file(end($frames));
        }
    }

    /**
     * A blocking receive with a timeout (RCVTIMEO) costs less than a poll then a receive.
     *
     * @return ?list<string> the frames of the next message, null when none arrived in time
     */
    private function receive(float $timeout): ?array
    {
        $milliseconds = $timeout > 0 ? (int) ceil($timeout * 1000) : 0;
        try {
            if ($milliseconds !== $this->receiveTimeout) {
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, $milliseconds);
                $this->receiveTimeout = $milliseconds;
            }
            $frames = $this->socket->recvMulti();
        } catch (\ZMQException $e) {
            throw new TransportException("cannot receive from {$this->endpoint}: {$e->getMessage()}", 0, $e);
        }
        return $frames === false ? null : $frames;
    }

    private function file(string $body): void
    {
        $event = Wire::unpack($body);
        if (!is_array($event) || count($event) !== 3 || !is_array($event[0]) || !is_string($event[1])) {
            throw new ProtocolException("malformed event from {$this->endpoint}");
        }
        $channel = $this->channels[(string) ($event[0]['response_to'] ?? '')] ?? null;
        if ($channel === null) {
            return; // late events of finished calls are normal
        }
        $channel->heard();
        if (!str_starts_with($event[1], '_zpc_')) {
            $channel->inbox[] = $event;
        }
    }

    /**
     * @param array<string, mixed> $header
     */
    private function remoteError(Channel $channel, array $header, mixed $args): RemoteException
    {
        [$name, $message, $traceback] = is_array($args)
            ? array_pad(array_values($args), 3, null)
            : ['RemoteError', (string) $args, null];
        $name = (string) $name;
        $message = (string) $message;
        $traceback = $traceback === null ? null : (string) $traceback;
        $class = $this->errors[$name] ?? null;
        $details = $header['zrpc_error'] ?? null;
        if ($class !== null && is_array($details)) {
            return $class::fromWire($details, $message, $traceback);
        }
        if ($name === 'NameError') {
            $message = "{$this->endpoint} does not serve {$channel->method} ({$message})";
            return new UnknownMethodException($name, $message, $traceback);
        }
        return new RemoteException($name, $message, $traceback);
    }
}
