<?php

declare(strict_types=1);

namespace Users;

/**
 * Constants declared in the IDL.
 */
final class Constants
{
    /**
     * Page size when none is given.
     */
    public const PAGE_SIZE = 50;
    public const GREETING = 'hello';
    public const RATIO = 0.5;
    public const ENABLED = true;
}
