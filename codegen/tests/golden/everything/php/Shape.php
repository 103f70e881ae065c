<?php

declare(strict_types=1);

namespace Users;

/**
 * A shape with a keyword variant.
 */
abstract class Shape
{
    /**
     * Builds the variant named by the only key of the wire form.
     *
     * @throws \Zrpc\ProtocolException for anything but a one-entry map naming a variant
     */
    public static function fromWire(mixed $wire): self
    {
        if (!is_array($wire) || count($wire) !== 1) {
            throw new \Zrpc\ProtocolException('Shape expects a one-entry map, got ' . get_debug_type($wire));
        }
        $variant = array_key_first($wire);
        $value = $wire[$variant];
        return match ($variant) {
            'circle' => new Shape\CircleShape($value),
            'polygon' => new Shape\PolygonShape(array_map(static fn ($item) => Point::fromWire($item), $value)),
            'type' => new Shape\TypeShape($value),
            'node' => new Shape\NodeShape(Node::fromWire($value)),
            default => throw new \Zrpc\ProtocolException("unknown Shape variant {$variant}"),
        };
    }

    /**
     * The wire form: a one-entry map {variant: value}.
     *
     * @return array<string, mixed>
     */
    abstract public function toWire(): array;
}
