<?php

declare(strict_types=1);

namespace {{ namespace }};

/**
 * One event of the `{{ class }}` service, an instance of one of:
{%- for e in events %}
 * - {@see {{ e.class }}}
{%- endfor %}
 */
interface {{ class }}Event
{
    /**
     * Calls the handler's method for this event.
     */
    public function dispatch({{ class }}Handler $handler): void;
}
