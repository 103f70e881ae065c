<?php

declare(strict_types=1);

namespace Users;

/**
 * The `touch` event. Fire and forget.
 */
final class UsersTouch implements UsersEvent
{
    public function __construct(
        public readonly int $id,
    ) {
    }

    /**
     * Calls the handler's `touch`.
     */
    public function dispatch(UsersHandler $handler): void
    {
        $handler->touch($this->id);
    }
}
