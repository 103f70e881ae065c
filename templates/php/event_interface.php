<?php

declare(strict_types=1);

namespace {{ namespace }};

/**
 * One event of the `{{ class }}` service:{% for e in events %} {@see {{ e.class }}}{% if !loop.last %},{% else %}.{% endif %}{% endfor %}
 */
interface {{ class }}Event
{
    /**
     * Calls the handler's method for this event.
     */
    public function dispatch({{ class }}Handler $handler): void;
}
