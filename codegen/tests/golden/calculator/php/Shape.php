<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * The `Shape` enum.
 */
enum Shape: string
{
    case Circle = 'Circle';
    case Square = 'Square';
    case Triangle = 'Triangle';
}
