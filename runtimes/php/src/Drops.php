<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * Rate-limited warnings about dropped input, on stderr: at most one line per second, with the
 * count of what was dropped since the last line.
 *
 * @internal
 */
final class Drops
{
    private int $count = 0;

    private float $last = -1.0;

    public function __construct(private readonly string $endpoint)
    {
    }

    public function note(string $reason): void
    {
        $this->count++;
        $now = Clock::now();
        if ($this->last >= 0 && $now - $this->last < 1.0) {
            return;
        }
        error_log("zrpc: dropped {$this->count} bad event(s) from {$this->endpoint}: {$reason}");
        $this->count = 0;
        $this->last = $now;
    }
}
