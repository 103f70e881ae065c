<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * Base class of every exception a zrpc client throws (docs/protocol.md, section 7).
 */
class ZrpcException extends \RuntimeException
{
}
