<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * Typed decoding of the `Calculator` events.
 */
final class CalculatorEvents
{
    /**
     * The typed event of a received event's name and wire arguments.
     *
     * @param list<mixed> $args
     * @throws \Zrpc\ProtocolException when the event does not match the IDL (a mismatched type is
     *     a \TypeError or \ValueError, which the receivers drop the same way)
     */
    public static function decode(string $name, array $args): CalculatorEvent
    {
        if ($name === 'log') {
            self::expectArgs($args, 1);
            return new CalculatorLog($args[0]);
        }
        throw new \Zrpc\ProtocolException("the Calculator service has no event '{$name}'");
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
