<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * A point on the plane.
 */
final class Point
{
    /**
     * @param ?string $label Optional label.
     * @param list<string> $tags
     */
    public function __construct(
        public readonly float $x,
        public readonly float $y,
        public readonly ?string $label = null,
        public readonly array $tags = [],
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
            label: $wire['label'] ?? null,
            tags: $wire['tags'] ?? [],
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
            'label' => $this->label,
            'tags' => $this->tags,
        ];
    }
}
