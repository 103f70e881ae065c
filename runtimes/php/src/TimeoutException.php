<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * Connected, but no first reply arrived within the call's timeout.
 */
class TimeoutException extends ZrpcException
{
}
