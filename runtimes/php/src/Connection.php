<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * A connection to one server: a DEALER socket multiplexing the channels of the calls
 * (zerorpc protocol v3 as docs/protocol.md specifies: heartbeats, stream credit, typed errors).
 * Heartbeats flow while a call of this connection waits for the server.
 */
final class Connection
{
    public const DEFAULT_TIMEOUT = 30.0;

    public const DEFAULT_HEARTBEAT = 5.0;

    public const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

    private \ZMQContext $context;

    private \ZMQSocket $socket;

    private int $receiveTimeout = -1;

    private \ZMQPoll $writable;

    private bool $closed = false;

    private int $dropped = 0;

    private float $lastDropLog = -1.0;

    private string $idPrefix;

    private int $counter;

    /** @var array<string, string> packed method names (a generated client uses a handful) */
    private array $packedNames = [];

    /** @var array<string, Channel> open channels by id */
    private array $channels = [];

    /** The earliest heartbeat due on any open channel (never later than the true one). */
    private float $beatsDue = INF;

    /**
     * @param string $endpoint a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
     * @param float $timeout seconds to wait for the first reply of a call
     * @param ?float $heartbeat heartbeat interval in seconds (null: no heartbeats)
     * @param array<string, class-string<RemoteException>> $errors declared error classes by wire name
     * @param ?string $curveServerKey the server's CURVE public key (Z85)
     * @param ?string $curvePublicKey this client's CURVE public key (Z85)
     * @param ?string $curveSecretKey this client's CURVE secret key (Z85)
     * @throws TransportException when the socket cannot be set up
     * @throws \InvalidArgumentException for a bad timeout, heartbeat or key
     */
    public function __construct(
        public readonly string $endpoint,
        private readonly float $timeout = self::DEFAULT_TIMEOUT,
        private readonly ?float $heartbeat = self::DEFAULT_HEARTBEAT,
        private readonly array $errors = [],
        int $maxMessageSize = self::DEFAULT_MAX_MESSAGE_SIZE,
        ?string $curveServerKey = null,
        ?string $curvePublicKey = null,
        ?string $curveSecretKey = null,
    ) {
        if ($timeout <= 0 || ($heartbeat !== null && $heartbeat <= 0)) {
            throw new \InvalidArgumentException('timeout and heartbeat must be positive');
        }
        $curve = self::curveKeys($curveServerKey, $curvePublicKey, $curveSecretKey);
        try {
            $this->context = new \ZMQContext(1, false);
            $this->socket = new \ZMQSocket($this->context, \ZMQ::SOCKET_DEALER);
            // LINGER 0: closing never waits for messages a dead server will not take.
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_LINGER, 0);
            // IMMEDIATE: queue only on live connections, so a request never waits in the socket
            // for a server that may come back and run it after the caller gave up.
            // It is also how "unreachable" is told from "timeout".
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_IMMEDIATE, 1);
            $this->socket->setSockOpt(\ZMQ::SOCKOPT_MAXMSGSIZE, $maxMessageSize);
            if ($curve !== null) {
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_SERVERKEY, $curve[0]);
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_PUBLICKEY, $curve[1]);
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_CURVE_SECRETKEY, $curve[2]);
            }
            $this->socket->connect($endpoint);
        } catch (\ZMQException $e) {
            throw new TransportException("cannot connect to {$endpoint}: {$e->getMessage()}", 0, $e);
        }
        $this->writable = new \ZMQPoll();
        $this->writable->add($this->socket, \ZMQ::POLL_OUT);
        $this->idPrefix = bin2hex(random_bytes(12));
        $this->counter = random_int(0, 0xffffffff);
    }

    /**
     * The CURVE socket options: null without a server key; a server key alone gets a fresh key
     * pair (enough for servers that accept any client key).
     *
     * @return ?array{0: string, 1: string, 2: string}
     */
    private static function curveKeys(?string $server, ?string $public, ?string $secret): ?array
    {
        CurveKeys::check($server, $public, $secret);
        if ($server === null) {
            if ($public !== null) {
                throw new \InvalidArgumentException('a CURVE key pair needs curveServerKey');
            }
            return null;
        }
        return [$server, ...CurveKeys::clientPair($public, $secret)];
    }

    /**
     * Calls a method and returns its result, the value of OK [value], converted by $convert
     * (generated code's check of the declared type: a mismatch becomes a ProtocolException
     * naming the method, never a native TypeError or ValueError).
     *
     * @param list<mixed> $args the arguments in wire form
     * @param ?float $timeout seconds to wait for the reply (null: the connection's)
     * @param ?callable(mixed): mixed $convert
     */
    public function call(string $method, array $args, ?float $timeout = null, ?callable $convert = null): mixed
    {
        $channel = $this->open($method, $args, $timeout);
        try {
            [$header, $name, $value] = $this->nextEvent($channel);
        } finally {
            unset($this->channels[$channel->id]);
        }
        if ($name === 'ERR') {
            throw $this->remoteError($channel, $header, $value);
        }
        if ($name !== 'OK') {
            throw new ProtocolException("unexpected {$name} reply to {$method} (is it a stream?)");
        }
        if (!is_array($value) || count($value) !== 1 || !array_is_list($value)) {
            throw new ProtocolException("malformed OK reply to {$method}: its args are not a one-element array");
        }
        return $convert === null ? $value[0] : self::checked($method, $convert, $value[0]);
    }

    /**
     * Calls a streaming method; the request is sent when iteration starts.
     *
     * @param list<mixed> $args the arguments in wire form
     * @param ?callable(mixed): mixed $convert applied to each item
     * @return \Generator<int, mixed> the STREAM items
     */
    public function stream(string $method, array $args, ?float $timeout = null, ?callable $convert = null): \Generator
    {
        $channel = $this->open($method, $args, $timeout);
        try {
            while (true) {
                [$header, $name, $value] = $this->nextEvent($channel);
                if ($name === 'STREAM_DONE') {
                    return;
                }
                $item = $this->streamItem($channel, $header, $name, $value);
                yield $convert === null ? $item : self::checked($method, $convert, $item);
                $channel->deadline = null;
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
    public function oneway(string $method, array $args, ?float $timeout = null): void
    {
        $this->ensureOpen();
        $wait = $timeout ?? $this->timeout;
        if (!$this->send($this->event($this->header($this->nextId()), $method, $args), Clock::now() + $wait)) {
            throw $this->unreachable($method, $wait);
        }
    }

    /**
     * Closes the socket; later calls throw ClientClosedException. Closing twice is harmless.
     */
    public function close(): void
    {
        if (!$this->closed) {
            $this->closed = true;
            $this->channels = [];
            $this->socket->disconnect($this->endpoint);
        }
    }

    private static function checked(string $method, callable $convert, mixed $value): mixed
    {
        try {
            return $convert($value);
        } catch (ProtocolException $e) {
            throw new ProtocolException("{$method}: {$e->getMessage()}", 0, $e);
        } catch (\TypeError | \ValueError | \ArgumentCountError $e) {
            $reason = $e->getMessage();
            throw new ProtocolException("{$method}: the result does not have the declared type ({$reason})", 0, $e);
        }
    }

    private function ensureOpen(): void
    {
        if ($this->closed) {
            throw new ClientClosedException("the client of {$this->endpoint} is closed");
        }
    }

    /**
     * @param list<mixed> $args
     */
    private function open(string $method, array $args, ?float $timeout): Channel
    {
        $this->ensureOpen();
        if ($timeout !== null && $timeout <= 0) {
            throw new \InvalidArgumentException('timeout must be positive');
        }
        $id = $this->nextId();
        $request = $this->event($this->header($id), $method, $args);
        $sent = $this->send($request);
        // Built after the first try, so this overlaps the server's work on the request.
        $channel = new Channel($id, $method, $this->heartbeat, $timeout ?? $this->timeout);
        if (!$sent && !$this->send($request, $channel->deadline)) {
            throw $this->unreachable($method, $channel->timeout);
        }
        $this->beatsDue = min($this->beatsDue, $channel->beatAt());
        return $this->channels[$id] = $channel;
    }

    private function unreachable(string $method, float $timeout): UnreachableException
    {
        return new UnreachableException(
            "no connection to {$this->endpoint} completed within {$timeout}s when calling {$method}"
            . ' (is the server running? CURVE keys right?)'
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
     * The packed event [header, name, args].
     */
    private function event(string $header, string $name, mixed $args): string
    {
        return "\x93" . $header . ($this->packedNames[$name] ?? $this->packName($name)) . Wire::pack($args);
    }

    /**
     * Sends one packed event after the empty delimiter frame, waiting until $deadline (monotonic
     * seconds) for a completed connection; false when none completed in time. Follow-up events
     * (heartbeats, credit) do not wait: a server that went away is noticed by its silence.
     */
    private function send(string $event, ?float $deadline = null): bool
    {
        $frames = ['', $event];
        try {
            while (true) {
                if ($this->socket->sendmulti($frames, \ZMQ::MODE_DONTWAIT) !== false) {
                    return true;
                }
                $wait = $deadline === null ? 0.0 : $deadline - Clock::now();
                $readable = [];
                $writable = [];
                if ($wait <= 0 || $this->writable->poll($readable, $writable, (int) ceil($wait * 1000)) === 0) {
                    return false;
                }
            }
        } catch (\ZMQException $e) {
            throw new TransportException("cannot send to {$this->endpoint}: {$e->getMessage()}", 0, $e);
        }
    }

    private function packName(string $name): string
    {
        $packed = Wire::pack($name);
        if (count($this->packedNames) < 256) {
            $this->packedNames[$name] = $packed;
        }
        return $packed;
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
        throw new ProtocolException("unexpected {$name} reply to {$channel->method} (not a stream?)");
    }

    /**
     * Tops the server's credit up to the window once half of it is used (like zerorpc).
     */
    private function grant(Channel $channel): void
    {
        if ($channel->reserved >= Channel::WINDOW / 2) {
            return;
        }
        $grant = Channel::WINDOW - count($channel->inbox);
        $this->send($this->event($this->header($this->nextId(), $channel->id), '_zpc_more', [$grant]));
        $channel->reserved += $grant;
    }

    /**
     * Waits for the channel's next OK, ERR, STREAM or STREAM_DONE event, heartbeating meanwhile.
     *
     * @return array{0: array<string, mixed>, 1: string, 2: mixed}
     */
    private function nextEvent(Channel $channel): array
    {
        while ($channel->inbox === []) {
            $this->ensureOpen();
            $now = Clock::now();
            if ($now >= $this->beatsDue) {
                $this->sendDueBeats($now);
            }
            $this->checkAlive($channel, $now);
            $frames = $this->receive($channel->wakeAt($now) - $now);
            if ($frames !== null) {
                $this->file((string) end($frames));
            }
        }
        $channel->reserved--;
        return array_shift($channel->inbox);
    }

    /**
     * Heartbeats of every open channel whose interval elapsed (each on its own schedule).
     */
    private function sendDueBeats(float $now): void
    {
        $due = INF;
        foreach ($this->channels as $open) {
            if ($open->beatDue($now)) {
                $this->send($this->event($this->header($this->nextId(), $open->id), '_zpc_hb', [0]));
            }
            $due = min($due, $open->beatAt());
        }
        $this->beatsDue = $due;
    }

    private function checkAlive(Channel $channel, float $now): void
    {
        if ($channel->deadline !== null && $now >= $channel->deadline) {
            throw new TimeoutException(
                "no reply from {$this->endpoint} within {$channel->timeout}s when calling {$channel->method}"
            );
        }
        $silence = $channel->silenceIfLost($now);
        if ($silence !== null) {
            $seconds = sprintf('%.1f', $silence);
            throw new LostRemoteException(
                "lost remote {$this->endpoint}: no heartbeat for {$seconds}s while calling {$channel->method}"
            );
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
        $current = $this->receiveTimeout;
        try {
            // The option changes only when the wait changes by more than 2% (the next heartbeat
            // or deadline is usually a whole interval away, a little less at each call).
            if ($current < 0 || $current > $milliseconds || $current < $milliseconds - intdiv($milliseconds, 50) - 1) {
                $this->socket->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, $milliseconds);
                $this->receiveTimeout = $milliseconds;
            }
            $frames = $this->socket->recvMulti();
        } catch (\ZMQException $e) {
            throw new TransportException("cannot receive from {$this->endpoint}: {$e->getMessage()}", 0, $e);
        }
        return $frames === false ? null : $frames;
    }

    /**
     * Routes one received event to its channel; undecodable events are dropped and logged.
     */
    private function file(string $body): void
    {
        try {
            $event = Wire::unpack($body);
        } catch (ProtocolException $e) {
            $this->drop($e->getMessage());
            return;
        }
        if (!is_array($event) || count($event) !== 3 || !is_array($event[0] ?? null) || !is_string($event[1] ?? null)) {
            $this->drop('not a [header, name, args] event');
            return;
        }
        $responseTo = $event[0]['response_to'] ?? null;
        $channel = is_string($responseTo) ? ($this->channels[$responseTo] ?? null) : null;
        if ($channel === null) {
            return; // late events of finished calls are normal
        }
        $channel->heard($event[1] === '_zpc_hb');
        if (!str_starts_with($event[1], '_zpc_')) {
            $channel->inbox[] = $event;
        }
    }

    /**
     * A rate-limited warning about dropped input: at most one line per second.
     */
    private function drop(string $reason): void
    {
        $this->dropped++;
        $now = Clock::now();
        if ($now - $this->lastDropLog >= 1.0) {
            error_log("zrpc: dropped {$this->dropped} bad event(s) from {$this->endpoint}: {$reason}");
            $this->dropped = 0;
            $this->lastDropLog = $now;
        }
    }

    /**
     * @param array<string, mixed> $header
     */
    private function remoteError(Channel $channel, array $header, mixed $args): RemoteException
    {
        if (!is_array($args) || $args === []) {
            throw new ProtocolException("malformed ERR reply to {$channel->method}");
        }
        if (count($args) === 1) {
            return new RemoteException('RemoteError', self::text(array_values($args)[0]));
        }
        $args = array_values($args);
        [$name, $message] = array_map(self::text(...), array_pad(array_slice($args, 0, 2), 2, ''));
        // A nil (or empty) traceback is none, not the text "null".
        $traceback = isset($args[2]) && $args[2] !== '' ? self::text($args[2]) : null;
        $class = $this->errors[$name] ?? null;
        $details = $header['zrpc_error'] ?? null;
        if ($class !== null && is_array($details)) {
            try {
                return $class::fromWire($details, $message, $traceback);
            } catch (ProtocolException | \TypeError | \ValueError) {
                // Fields that do not decode: the untyped error below.
            }
        }
        if ($name === 'NameError') {
            $message = "{$this->endpoint} does not know method {$channel->method} ({$message})";
            return new UnknownMethodException($name, $message, $traceback);
        }
        return new RemoteException($name, $message, $traceback);
    }

    private static function text(mixed $value): string
    {
        return is_scalar($value) ? (string) $value : get_debug_type($value);
    }
}
