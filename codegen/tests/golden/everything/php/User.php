<?php

declare(strict_types=1);

namespace Users;

/**
 * Every field type, default and escaped name.
 */
final class User
{
    /**
     * @param int $id The key.
     * @param ?string $type Keyword names are escaped in Rust, kept on the wire.
     * @param list<string> $tags
     * @param array<string, int> $counts
     * @param array<string, list<int>> $byRole
     * @param list<User> $friends
     */
    public function __construct(
        public readonly int $id,
        public readonly string $name,
        public readonly Role $role = Role::Member,
        public readonly ?string $type = null,
        public readonly bool $match = false,
        public readonly int $self = 7,
        public readonly string $userName = 'anonymous',
        public readonly float $score = 1.5,
        public readonly int $limit = 50,
        public readonly int|string $big = '18446744073709551615',
        public readonly int $small = -3,
        public readonly ?string $avatar = null,
        public readonly string $blob = "raw",
        public readonly mixed $extra = null,
        public readonly array $tags = ['new', 'shiny'],
        public readonly array $counts = ['a' => 1],
        public readonly array $byRole = [],
        public readonly array $friends = [],
    ) {
    }

    /**
     * Builds a User from its wire form, a map keyed by field name.
     *
     * @param array<int|string, mixed> $wire
     */
    public static function fromWire(array $wire): self
    {
        $friends = isset($wire['friends']) ? array_map(
            static fn ($item) => User::fromWire($item),
            $wire['friends'],
        ) : [];
        return new self(
            id: \Zrpc\Wire::field($wire, 'id', 'User'),
            name: \Zrpc\Wire::field($wire, 'name', 'User'),
            role: isset($wire['role']) ? Role::from($wire['role']) : Role::Member,
            type: $wire['type'] ?? null,
            match: $wire['match'] ?? false,
            self: $wire['self'] ?? 7,
            userName: $wire['userName'] ?? 'anonymous',
            score: $wire['score'] ?? 1.5,
            limit: $wire['limit'] ?? 50,
            big: $wire['big'] ?? '18446744073709551615',
            small: $wire['small'] ?? -3,
            avatar: $wire['avatar'] ?? null,
            blob: $wire['blob'] ?? "raw",
            extra: $wire['extra'] ?? null,
            tags: $wire['tags'] ?? ['new', 'shiny'],
            counts: $wire['counts'] ?? ['a' => 1],
            byRole: $wire['by_role'] ?? [],
            friends: $friends,
        );
    }

    /**
     * The wire form: a map keyed by field name.
     *
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        $friends = array_map(static fn ($item) => $item->toWire(), $this->friends);
        return [
            'id' => $this->id,
            'name' => $this->name,
            'role' => $this->role->value,
            'type' => $this->type,
            'match' => $this->match,
            'self' => $this->self,
            'userName' => $this->userName,
            'score' => $this->score,
            'limit' => $this->limit,
            'big' => \Zrpc\Uint64::wire($this->big),
            'small' => $this->small,
            'avatar' => $this->avatar === null ? null : new \Zrpc\Bin($this->avatar),
            'blob' => new \Zrpc\Bin($this->blob),
            'extra' => $this->extra,
            'tags' => $this->tags,
            'counts' => new \Zrpc\WireMap($this->counts),
            'by_role' => new \Zrpc\WireMap($this->byRole),
            'friends' => $friends,
        ];
    }
}
