<?php

declare(strict_types=1);

namespace Example\Calculator\Value;

use Example\Calculator\Value;

/**
 * The `text` variant of {@see Value}.
 */
final class TextValue extends Value
{
    public function __construct(public readonly string $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return ['text' => $this->value];
    }
}
