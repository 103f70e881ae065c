<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * The receiving side of events (SUB, PULL). Each event goes through the decoder (generated
 * code's typed decoding); one that is not msgpack, not an event, or that the decoder rejects is
 * dropped with a rate-limited line on stderr, never an exception.
 *
 * @template T of object
 * @implements \IteratorAggregate<int, T>
 * @internal the base of Subscriber and Puller
 */
abstract class EventReceiver extends EventSocket implements \IteratorAggregate
{
    /** How often a blocking receive looks at the stop flag, in milliseconds. */
    private const STOP_POLL_MS = 100;

    /** errno of a receive interrupted by a signal (whose handler may have called stop()). */
    private const EINTR = 4;

    /** @var \Closure(string, list<mixed>): T */
    private \Closure $decode;

    private Drops $drops;

    private bool $stopped = false;

    private int $receiveTimeout = -1;

    /** The name of the last event decoded, for the log line of a failing handler. */
    private string $current = '';

    /**
     * @param callable(string, list<mixed>): T $decode turns an event's name and wire arguments
     *     into a typed event; throws ProtocolException (or a TypeError, ValueError) when they do
     *     not match
     */
    protected function __construct(
        int $kind,
        string $endpoint,
        callable $decode,
        bool $bind,
        ?string $curveServerKey,
        ?string $curvePublicKey,
        ?string $curveSecretKey,
        int $maxMessageSize,
    ) {
        parent::__construct(
            $kind,
            $endpoint,
            $bind,
            $curveServerKey,
            $curvePublicKey,
            $curveSecretKey,
            $maxMessageSize,
        );
        $this->decode = $decode(...);
        $this->drops = new Drops($endpoint);
    }

    /**
     * The next event that matches, or null after $timeout seconds or once stopped or closed.
     *
     * @return ?T
     * @throws TransportException when ZeroMQ fails
     */
    public function receive(?float $timeout = null): ?object
    {
        $deadline = $timeout === null ? null : Clock::now() + $timeout;
        while (!$this->stopped && !$this->isClosed()) {
            $wait = self::STOP_POLL_MS;
            if ($deadline !== null) {
                $left = $deadline - Clock::now();
                if ($left <= 0) {
                    return null;
                }
                $wait = min($wait, (int) ceil($left * 1000));
            }
            $frames = $this->next($wait);
            $event = $frames === null ? null : $this->typed($frames);
            if ($event !== null) {
                return $event;
            }
        }
        return null;
    }

    /**
     * Events until stop().
     *
     * @return \Generator<int, T>
     */
    public function getIterator(): \Generator
    {
        while (($event = $this->receive()) !== null) {
            yield $event;
        }
    }

    /**
     * Calls $handle with each event until stop(). An exception thrown by $handle is logged
     * (rate-limited, on stderr) and the loop goes on with the next event.
     *
     * @param callable(T): mixed $handle
     */
    public function run(callable $handle): void
    {
        foreach ($this as $event) {
            try {
                $handle($event);
            } catch (\Throwable $e) {
                $class = get_class($e);
                $this->drops->note("the handler of event '{$this->current}' raised {$class}: {$e->getMessage()}");
            }
        }
    }

    /**
     * Ends run() and iteration: call it from the handler, or between receive() calls. (php-zmq
     * receives do not let PHP signal handlers run; a receive interrupted by a signal just goes
     * on.)
     */
    public function stop(): void
    {
        $this->stopped = true;
    }

    /**
     * Stops and closes the socket. Closing twice is harmless.
     */
    public function close(): void
    {
        $this->stop();
        $this->closeSocket(0);
    }

    /**
     * @return ?list<string> the frames of the next message, null when none came within $wait ms
     */
    private function next(int $wait): ?array
    {
        $socket = $this->socket();
        try {
            if ($wait !== $this->receiveTimeout) {
                $socket->setSockOpt(\ZMQ::SOCKOPT_RCVTIMEO, $wait);
                $this->receiveTimeout = $wait;
            }
            $frames = $socket->recvMulti();
        } catch (\ZMQException $e) {
            if ($e->getCode() === self::EINTR) {
                return null;
            }
            throw new TransportException("cannot receive from {$this->endpoint}: {$e->getMessage()}", 0, $e);
        }
        return $frames === false ? null : $frames;
    }

    /**
     * @param list<string> $frames
     * @return ?T
     */
    private function typed(array $frames): ?object
    {
        if (count($frames) !== 1) {
            $this->drops->note(count($frames) . ' frames instead of 1');
            return null;
        }
        try {
            $event = Wire::unpack($frames[0]);
        } catch (ProtocolException $e) {
            $this->drops->note($e->getMessage());
            return null;
        }
        if (
            !is_array($event) || count($event) !== 3 || !array_is_list($event) || !is_array($event[0])
            || !is_string($event[1]) || !is_array($event[2]) || !array_is_list($event[2])
        ) {
            $this->drops->note('not a zerorpc event [header, name, [args]]');
            return null;
        }
        $this->current = $event[1];
        try {
            return ($this->decode)($event[1], $event[2]);
        } catch (ProtocolException | \TypeError | \ValueError $e) {
            $this->drops->note("event '{$event[1]}': {$e->getMessage()}");
            return null;
        }
    }
}
