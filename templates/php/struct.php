<?php

declare(strict_types=1);

namespace {{ namespace }};

{{ doc }}final class {{ name }}{% if error %} extends Runtime\RemoteException{% endif %}
{
{{ ctor_doc }}    public function __construct(
{%- for f in params %}
        public readonly {{ f.php_type }} ${{ f.name }}{% if let Some(default) = f.default %} = {{ default }}{% endif %},
{%- endfor %}
{%- if error %}
        string $message = '{{ wire_name }}',
        ?string $traceback = null,
    ) {
        parent::__construct('{{ wire_name }}', $message, $traceback);
    }
{%- else %}
    ) {
    }
{%- endif %}

    /**
{%- if error %}
     * Builds the error from an ERR event, whose `zrpc_error` header key carries the fields.
{%- else %}
     * Builds a {{ name }} from its wire form, a map keyed by field name.
{%- endif %}
     *
     * @param array<string, mixed> $wire
     */
{%- if error %}
    public static function fromWire(array $wire, string $message = '{{ wire_name }}', ?string $traceback = null): self
{%- else %}
    public static function fromWire(array $wire): self
{%- endif %}
    {
        return new self(
{%- for f in fields %}
            {{ f.name }}: {{ f.from_wire }},
{%- endfor %}
{%- if error %}
            message: $message,
            traceback: $traceback,
{%- endif %}
        );
    }

    /**
     * The wire form: a map keyed by field name.
     *
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
        return [
{%- for f in fields %}
            '{{ f.wire }}' => {{ f.to_wire }},
{%- endfor %}
        ];
    }
}
