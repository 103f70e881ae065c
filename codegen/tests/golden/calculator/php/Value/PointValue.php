<?php

declare(strict_types=1);

namespace Example\Calculator\Value;

use Example\Calculator\Value;

/**
 * The `point` variant of {@see Value}.
 */
final class PointValue extends Value
{
    public function __construct(public readonly \Example\Calculator\Point $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return ['point' => $this->value->toWire()];
    }
}
