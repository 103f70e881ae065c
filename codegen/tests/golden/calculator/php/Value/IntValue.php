<?php

declare(strict_types=1);

namespace Example\Calculator\Value;

use Example\Calculator\Value;

/**
 * The `int` variant of {@see Value}.
 */
final class IntValue extends Value
{
    public function __construct(public readonly int $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return ['int' => $this->value];
    }
}
