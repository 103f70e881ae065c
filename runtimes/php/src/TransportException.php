<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * A ZeroMQ operation failed (bad endpoint, closed client, full send queue).
 */
class TransportException extends ZrpcException
{
}
