<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * A string to send as msgpack bin: the msgpack extension packs every PHP string as str.
 */
final class Bin
{
    public function __construct(public readonly string $data)
    {
    }
}
