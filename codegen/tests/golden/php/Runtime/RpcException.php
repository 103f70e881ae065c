<?php

declare(strict_types=1);

namespace Example\Calculator\Runtime;

/**
 * Base class of every exception the generated client throws.
 */
class RpcException extends \RuntimeException
{
}
