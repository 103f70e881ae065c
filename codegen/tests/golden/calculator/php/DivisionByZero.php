<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * Raised when dividing by zero.
 */
final class DivisionByZero extends \Zrpc\RemoteException
{
    /** Wire names of the fields in declaration order. */
    private const FIELDS = ['dividend'];

    public function __construct(
        public readonly float $dividend,
        string $message = 'DivisionByZero',
        ?string $traceback = null,
    ) {
        parent::__construct('DivisionByZero', $message, $traceback);
    }

    /**
     * Builds the error from an ERR event, whose `zrpc_error` header key carries the fields.
     *
     * @param array<int|string, mixed> $wire
     */
    public static function fromWire(array $wire, string $message = 'DivisionByZero', ?string $traceback = null): self
    {
        if ($wire !== [] && array_is_list($wire)) {
            // Fields sent as an array, in declaration order.
            $count = min(count($wire), count(self::FIELDS));
            $wire = array_combine(array_slice(self::FIELDS, 0, $count), array_slice($wire, 0, $count));
        }
        return new self(
            dividend: \Zrpc\Wire::field($wire, 'dividend', 'DivisionByZero'),
            message: $message,
            traceback: $traceback,
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
            'dividend' => $this->dividend,
        ];
    }
}
