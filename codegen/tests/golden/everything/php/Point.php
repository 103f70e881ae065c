<?php

declare(strict_types=1);

namespace Users;

/**
 * The `Point` record.
 */
final class Point
{
    public function __construct(
        public readonly float $x,
        public readonly float $y,
    ) {
    }

    /**
     * Builds a Point from its wire form, a map keyed by field name.
     *
     * @param array<int|string, mixed> $wire
     */
    public static function fromWire(array $wire): self
    {
        return new self(
            x: \Zrpc\Wire::field($wire, 'x', 'Point'),
            y: \Zrpc\Wire::field($wire, 'y', 'Point'),
        );
    }

    /**
     * The wire form: a map keyed by field name.
     *
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return [
            'x' => $this->x,
            'y' => $this->y,
        ];
    }
}
