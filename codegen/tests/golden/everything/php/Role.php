<?php

declare(strict_types=1);

namespace Users;

/**
 * A user's role.
 */
enum Role: string
{
    case Admin = 'Admin';
    case Member = 'Member';
    case guest = 'guest';
}
