<?php

declare(strict_types=1);

namespace {{ namespace }}\Runtime;

/**
 * No first reply arrived within the call's timeout.
 */
class TimeoutException extends RpcException
{
}
