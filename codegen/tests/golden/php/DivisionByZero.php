<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * Raised when dividing by zero.
 */
final class DivisionByZero extends Runtime\RemoteException
{
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
     * @param array<string, mixed> $wire
     */
    public static function fromWire(array $wire, string $message = 'DivisionByZero', ?string $traceback = null): self
    {
        return new self(
            dividend: Runtime\Wire::field($wire, 'dividend', 'DivisionByZero'),
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
