<?php

declare(strict_types=1);

namespace Users;

/**
 * A name users declare that shadows Rust's prelude.
 */
final class Option
{
    public function __construct(
        public readonly string $name,
        public readonly ?string $value = null,
    ) {
    }

    /**
     * Builds a Option from its wire form, a map keyed by field name.
     *
     * @param array<int|string, mixed> $wire
     */
    public static function fromWire(array $wire): self
    {
        return new self(
            name: \Zrpc\Wire::field($wire, 'name', 'Option'),
            value: $wire['value'] ?? null,
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
            'name' => $this->name,
            'value' => $this->value,
        ];
    }
}
