<?php

declare(strict_types=1);

namespace Example\Calculator\Runtime;

/**
 * One call's conversation: its id, heartbeat clocks, stream credit and received events.
 *
 * @internal
 */
final class Channel
{
    /** Events the client lets the server send ahead of a stream's consumer. */
    public const WINDOW = 100;

    /** @var list<array{0: array<string, mixed>, 1: string, 2: mixed}> received events not yet consumed */
    public array $inbox = [];

    /** Events the server may still send before it needs more credit. */
    public int $reserved = 1;

    private float $lastHeard;

    private float $nextBeat;

    public function __construct(
        public readonly string $id,
        public readonly string $method,
        private readonly ?float $heartbeat,
    ) {
        $now = Clock::now();
        // A silent server gets three intervals, like the Python reference.
        $this->lastHeard = $now + (float) $heartbeat;
        $this->nextBeat = $now + (float) $heartbeat;
    }

    public function heard(): void
    {
        $this->lastHeard = Clock::now();
    }

    /**
     * True when the server missed more than two heartbeats.
     */
    public function lost(float $now): bool
    {
        return $this->heartbeat !== null && $now > $this->lastHeard + 2 * $this->heartbeat;
    }

    /**
     * When the next heartbeat is due (null without heartbeats).
     */
    public function nextBeat(): ?float
    {
        return $this->heartbeat === null ? null : $this->nextBeat;
    }

    /**
     * True when a heartbeat is due; schedules the next one.
     */
    public function beatDue(float $now): bool
    {
        if ($this->heartbeat === null || $now < $this->nextBeat) {
            return false;
        }
        $this->nextBeat = $now + $this->heartbeat;
        return true;
    }

    public function describe(): string
    {
        return "{$this->method} (channel {$this->id})";
    }
}
