<?php

declare(strict_types=1);

namespace Example\Calculator;

/**
 * The `log` event.
 */
final class CalculatorLog implements CalculatorEvent
{
    public function __construct(
        public readonly string $line,
    ) {
    }

    /**
     * Calls the handler's `log`.
     */
    public function dispatch(CalculatorHandler $handler): void
    {
        $handler->log($this->line);
    }
}
