<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * The client was closed before the call.
 */
class ClientClosedException extends ZrpcException
{
}
