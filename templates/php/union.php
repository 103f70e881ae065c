<?php

declare(strict_types=1);

namespace {{ namespace }};

{{ doc }}abstract class {{ name }}
{
    /**
     * Builds the variant named by the only key of the wire form.
     *
     * @throws \Zrpc\ProtocolException for anything but a one-entry map naming a variant
     */
    public static function fromWire(mixed $wire): self
    {
        if (!is_array($wire) || count($wire) !== 1) {
            throw new \Zrpc\ProtocolException('{{ name }} expects a one-entry map, got ' . get_debug_type($wire));
        }
        $variant = array_key_first($wire);
        $value = $wire[$variant];
        return match ($variant) {
{%- for v in variants %}
            '{{ v.wire }}' => new {{ name }}\{{ v.name }}({{ v.from_wire }}),
{%- endfor %}
            default => throw new \Zrpc\ProtocolException("unknown {{ name }} variant {$variant}"),
        };
    }

    /**
     * The wire form: a one-entry map {variant: value}.
     *
     * @return array<string, mixed>
     */
    abstract public function toWire(): array;
}
