<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * One event of the `Calculator` service, an instance of one of:
 * - {@see CalculatorLog}
 */
interface CalculatorEvent
{
    /**
     * Calls the handler's method for this event.
     */
    public function dispatch(CalculatorHandler $handler): void;
}
