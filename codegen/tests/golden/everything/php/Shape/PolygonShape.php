<?php

declare(strict_types=1);

namespace Users\Shape;

use Users\Shape;

/**
 * The `polygon` variant of {@see Shape}.
 */
final class PolygonShape extends Shape
{
    public function __construct(public readonly array $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        $wire = array_map(static fn ($item) => $item->toWire(), $this->value);
        return ['polygon' => $wire];
    }
}
