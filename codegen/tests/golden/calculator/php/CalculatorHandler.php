<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * Receives the events of the `Calculator` service from a {@see CalculatorSubscriber} or a
 * {@see CalculatorPuller}: one method per event.
 */
interface CalculatorHandler
{
    /**
     * The `log` event.
     */
    public function log(string $line): void;
}
