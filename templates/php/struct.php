<?php

declare(strict_types=1);

namespace {{ namespace }};

{{ doc }}final class {{ name }}{% if error %} extends \Zrpc\RemoteException{% endif %}
{
{%- if error %}
    /** Wire names of the fields in declaration order. */
    private const FIELDS = [{{ field_names }}];
{% endif %}
{%- for f in params %}
{%- if f.init.is_some() %}
    public readonly {{ f.php_type }} ${{ f.name }};
{%- endif %}
{%- endfor %}
{%- if late_init %}
{% endif %}
{%- if !params.is_empty() || error %}
{{ ctor_doc }}    public function __construct(
{%- for f in params %}
        {% if f.init.is_none() %}public readonly {% endif %}{{ f.param_type }} ${{ f.name }}{% if let Some(default) = f.default %} = {{ default }}{% endif %},
{%- endfor %}
{%- if error %}
        string $message = '{{ wire_name }}',
        ?string $traceback = null,
    ) {
        parent::__construct('{{ wire_name }}', $message, $traceback);
{%- else %}
    ) {
{%- endif %}
{%- for f in params %}
{%- if let Some(init) = f.init %}
        $this->{{ f.name }} = ${{ f.name }} ?? {{ init }};
{%- endif %}
{%- endfor %}
    }
{%- endif %}
{% if !params.is_empty() || error %}
{% endif %}    /**
{%- if error %}
     * Builds the error from an ERR event, whose `zrpc_error` header key carries the fields.
{%- else %}
     * Builds a {{ name }} from its wire form, a map keyed by field name.
{%- endif %}
     *
     * @param array<int|string, mixed> $wire
     */
{%- if error %}
    public static function fromWire(array $wire, string $message = '{{ wire_name }}', ?string $traceback = null): self
    {
        if ($wire !== [] && array_is_list($wire)) {
            // Fields sent as an array, in declaration order.
            $count = min(count($wire), count(self::FIELDS));
            $wire = array_combine(array_slice(self::FIELDS, 0, $count), array_slice($wire, 0, $count));
        }
{%- else %}
    public static function fromWire(array $wire): self
    {
{%- endif %}
{%- if fields.is_empty() && !error %}
        return new self();
{%- else %}
{% for f in fields %}{{ f.from_prelude }}{% endfor %}        return new self(
{%- for f in fields %}
            {{ f.name }}: {{ f.from_wire }},
{%- endfor %}
{%- if error %}
            message: $message,
            traceback: $traceback,
{%- endif %}
        );
{%- endif %}
    }

{% if fields.is_empty() %}    /**
     * The wire form: an empty map (a bare PHP [] would travel as an array).
     */
    public function toWire(): \Zrpc\WireMap
    {
        return new \Zrpc\WireMap([]);
    }{% else %}    /**
     * The wire form: a map keyed by field name.
     *
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
{% for f in fields %}{{ f.to_prelude }}{% endfor %}        return [
{%- for f in fields %}
            '{{ f.wire }}' => {{ f.to_wire }},
{%- endfor %}
        ];
    }
{%- endif %}
}
