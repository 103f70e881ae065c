<?php

declare(strict_types=1);

namespace {{ namespace }}\Runtime;

/**
 * The server sent an event that does not follow the protocol.
 */
class ProtocolException extends RpcException
{
}
