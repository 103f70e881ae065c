<?php

declare(strict_types=1);

namespace {{ namespace }}\Runtime;

/**
 * Base class of every exception the generated client throws.
 */
class RpcException extends \RuntimeException
{
}
