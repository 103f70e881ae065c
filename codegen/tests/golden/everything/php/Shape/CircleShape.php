<?php

declare(strict_types=1);

namespace Users\Shape;

use Users\Shape;

/**
 * The `circle` variant of {@see Shape}.
 */
final class CircleShape extends Shape
{
    public function __construct(public readonly float $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return ['circle' => $this->value];
    }
}
