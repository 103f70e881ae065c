<?php

declare(strict_types=1);

namespace Users\Shape;

use Users\Shape;

/**
 * Escaped too.
 */
final class TypeShape extends Shape
{
    public function __construct(public readonly string $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return ['type' => $this->value];
    }
}
