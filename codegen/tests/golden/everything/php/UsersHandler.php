<?php

declare(strict_types=1);

namespace Users;

/**
 * Receives the events of the `Users` service from a {@see UsersSubscriber} or a
 * {@see UsersPuller}: one method per event.
 */
interface UsersHandler
{
    /**
     * Fire and forget.
     */
    public function touch(int $id): void;
}
