<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * The server stopped sending heartbeats: it is down, unreachable or stuck.
 */
class LostRemoteException extends ZrpcException
{
}
