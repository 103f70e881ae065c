<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * An array to send as a msgpack map even when empty or list-shaped (PHP packs those as arrays).
 */
final class WireMap
{
    /**
     * @param array<int|string, mixed> $entries
     * @param bool $stringKeys send the keys as str (PHP turns numeric string keys into ints)
     * @param bool $u64Keys the keys are u64: decimal strings above PHP_INT_MAX go as integers
     */
    public function __construct(
        public readonly array $entries,
        public readonly bool $stringKeys = true,
        public readonly bool $u64Keys = false,
    ) {
    }
}
