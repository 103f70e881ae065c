<?php

declare(strict_types=1);

namespace {{ namespace }};

/**
 * Typed decoding of the `{{ wire }}` events.
 */
final class {{ class }}Events
{
    /**
     * The typed event of a received event's name and wire arguments.
     *
     * @param list<mixed> $args
     * @throws \Zrpc\ProtocolException when the event does not match the IDL (a mismatched type is
     *     a \TypeError or \ValueError, which the receivers drop the same way)
     */
    public static function decode(string $name, array $args): {{ class }}Event
    {
{%- for e in events %}
        if ($name === '{{ e.wire }}') {
            self::expectArgs($args, {{ e.arity }});
{{ e.decode_prelude }}            return new {{ e.class }}({{ e.decoded }});
        }
{%- endfor %}
        throw new \Zrpc\ProtocolException("the {{ wire }} service has no event '{$name}'");
    }

    /**
     * @param list<mixed> $args
     */
    private static function expectArgs(array $args, int $arity): void
    {
        if (count($args) !== $arity) {
            throw new \Zrpc\ProtocolException("expected {$arity} argument(s), got " . count($args));
        }
    }
}
