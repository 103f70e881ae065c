<?php

declare(strict_types=1);

namespace Users\Shape;

use Users\Shape;

/**
 * The `node` variant of {@see Shape}.
 */
final class NodeShape extends Shape
{
    public function __construct(public readonly \Users\Node $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return ['node' => $this->value->toWire()];
    }
}
