<?php

declare(strict_types=1);

namespace Users;

/**
 * Not found.
 */
final class NotFound extends \Zrpc\RemoteException
{
    /** Wire names of the fields in declaration order. */
    private const FIELDS = ['id', 'hint'];

    public function __construct(
        public readonly int $id,
        public readonly ?string $hint = null,
        string $message = 'NotFound',
        ?string $traceback = null,
    ) {
        parent::__construct('NotFound', $message, $traceback);
    }

    /**
     * Builds the error from an ERR event, whose `zrpc_error` header key carries the fields.
     *
     * @param array<int|string, mixed> $wire
     */
    public static function fromWire(array $wire, string $message = 'NotFound', ?string $traceback = null): self
    {
        if ($wire !== [] && array_is_list($wire)) {
            // Fields sent as an array, in declaration order.
            $count = min(count($wire), count(self::FIELDS));
            $wire = array_combine(array_slice(self::FIELDS, 0, $count), array_slice($wire, 0, $count));
        }
        return new self(
            id: \Zrpc\Wire::field($wire, 'id', 'NotFound'),
            hint: $wire['hint'] ?? null,
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
            'id' => $this->id,
            'hint' => $this->hint,
        ];
    }
}
