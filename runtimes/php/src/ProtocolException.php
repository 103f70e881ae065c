<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * The server sent an event that does not follow the protocol.
 */
class ProtocolException extends ZrpcException
{
}
