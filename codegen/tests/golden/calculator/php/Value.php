<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * The `Value` union: exactly one of its variant classes.
 */
abstract class Value
{
    /**
     * Builds the variant named by the only key of the wire form.
     *
     * @throws \Zrpc\ProtocolException for anything but a one-entry map naming a variant
     */
    public static function fromWire(mixed $wire): self
    {
        if (!is_array($wire) || count($wire) !== 1) {
            throw new \Zrpc\ProtocolException('Value expects a one-entry map, got ' . get_debug_type($wire));
        }
        $variant = array_key_first($wire);
        $value = $wire[$variant];
        return match ($variant) {
            'int' => new Value\IntValue($value),
            'text' => new Value\TextValue($value),
            'point' => new Value\PointValue(Point::fromWire($value)),
            default => throw new \Zrpc\ProtocolException("unknown Value variant {$variant}"),
        };
    }

    /**
     * The wire form: a one-entry map {variant: value}.
     *
     * @return array<string, mixed>
     */
    abstract public function toWire(): array;
}
