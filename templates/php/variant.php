<?php

declare(strict_types=1);

namespace {{ namespace }}\{{ union }};

use {{ namespace }}\{{ union }};

{{ doc }}final class {{ name }} extends {{ union }}
{
    public function __construct(public readonly {{ php_type }} $value)
    {
    }

    /**
     * @return array<string, mixed>
     */
    public function toWire(): array
    {
{{ to_prelude }}        return ['{{ wire }}' => {{ to_wire }}];
    }
}
