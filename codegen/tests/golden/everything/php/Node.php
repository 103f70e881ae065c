<?php

declare(strict_types=1);

namespace Users;

/**
 * A linked list: recursion broken by an optional.
 */
final class Node
{
    public function __construct(
        public readonly int $value,
        public readonly ?Node $next = null,
    ) {
    }

    /**
     * Builds a Node from its wire form, a map keyed by field name.
     *
     * @param array<int|string, mixed> $wire
     */
    public static function fromWire(array $wire): self
    {
        return new self(
            value: \Zrpc\Wire::field($wire, 'value', 'Node'),
            next: ($wire['next'] ?? null) === null ? null : Node::fromWire(($wire['next'] ?? null)),
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
            'value' => $this->value,
            'next' => $this->next === null ? null : $this->next->toWire(),
        ];
    }
}
