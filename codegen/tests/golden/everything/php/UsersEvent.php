<?php

declare(strict_types=1);

namespace Users;

/**
 * One event of the `Users` service, an instance of one of:
 * - {@see UsersTouch}
 */
interface UsersEvent
{
    /**
     * Calls the handler's method for this event.
     */
    public function dispatch(UsersHandler $handler): void;
}
