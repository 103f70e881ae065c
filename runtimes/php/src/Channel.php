<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * One call's conversation: its id, heartbeat clocks (docs/protocol.md, section 4), stream credit
 * and received events.
 *
 * @internal
 */
final class Channel
{
    /** Events the client lets the server send ahead of a stream's consumer. */
    public const WINDOW = 100;

    /** Until two heartbeats from the server showed its interval: zerorpc's default. */
    private const ASSUMED_PEER_HEARTBEAT = 5.0;

    /** @var list<array{0: array<string, mixed>, 1: string, 2: mixed}> received events not yet consumed */
    public array $inbox = [];

    /** Events the server may still send before it needs more credit. */
    public int $reserved = 1;

    /** The deadline of the first reply (null once a stream started). */
    public ?float $deadline;

    private float $lastHeard;

    /** Silence after which the server is lost: 2 x max(own, observed peer interval). */
    private float $window;

    /** When the server counts as lost unless heard from again (kept up to date: every wait checks it). */
    private float $lostAt;

    /** The last heartbeat from the server; its interval is measured between two of them. */
    private ?float $lastPeerBeat = null;

    private ?float $peerInterval = null;

    private float $nextBeat;

    public function __construct(
        public readonly string $id,
        public readonly string $method,
        private readonly ?float $heartbeat,
        public readonly float $timeout,
    ) {
        $now = Clock::now();
        $this->deadline = $now + $timeout;
        $this->lastHeard = $now;
        $this->window = $heartbeat === null ? INF : 2 * max($heartbeat, self::ASSUMED_PEER_HEARTBEAT);
        $this->lostAt = $now + $this->window;
        $this->nextBeat = $heartbeat === null ? INF : $now + $heartbeat;
    }

    /**
     * Records an event from the server; heartbeats also measure its interval.
     */
    public function heard(bool $heartbeat): void
    {
        $now = Clock::now();
        $this->lastHeard = $now;
        if ($heartbeat) {
            if ($this->lastPeerBeat !== null && $this->heartbeat !== null) {
                $this->peerInterval = max($this->peerInterval ?? 0.0, $now - $this->lastPeerBeat);
                $this->window = 2 * max($this->heartbeat, $this->peerInterval);
            }
            $this->lastPeerBeat = $now;
        }
        $this->lostAt = $now + $this->window;
    }

    /**
     * The seconds of silence when the server is lost, else null.
     */
    public function silenceIfLost(float $now): ?float
    {
        return $now > $this->lostAt ? $now - $this->lastHeard : null;
    }

    /**
     * When the next heartbeat is due (INF without heartbeats).
     */
    public function beatAt(): float
    {
        return $this->nextBeat;
    }

    /**
     * True when a heartbeat is due; schedules the next one.
     */
    public function beatDue(float $now): bool
    {
        if ($now < $this->nextBeat || $this->heartbeat === null) {
            return false;
        }
        $this->nextBeat = $now + $this->heartbeat;
        return true;
    }

    /**
     * When the waiting call must act next: heartbeat, loss check or deadline.
     */
    public function wakeAt(float $now): float
    {
        $wake = $this->nextBeat < $this->lostAt ? $this->nextBeat : $this->lostAt;
        if ($this->deadline !== null && $this->deadline < $wake) {
            $wake = $this->deadline;
        }
        return $wake === INF ? $now + 1.0 : $wake;
    }
}
