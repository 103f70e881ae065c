<?php

declare(strict_types=1);

namespace {{ namespace }};

{{ event.class_doc }}final class {{ event.class }} implements {{ class }}Event
{
{%- if !event.fields.is_empty() %}
{{ event.ctor_doc }}    public function __construct(
{%- for (name, native) in event.fields %}
        public readonly {{ native }} ${{ name }},
{%- endfor %}
    ) {
    }
{% endif %}
    /**
     * Calls the handler's `{{ event.method }}`.
     */
    public function dispatch({{ class }}Handler $handler): void
    {
        $handler->{{ event.method }}({{ event.dispatch_args }});
    }
}
