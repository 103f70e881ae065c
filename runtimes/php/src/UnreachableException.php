<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * No connection completed before the call's deadline: nothing listens, or the CURVE handshake
 * was refused (libzmq gives the client no error for that: the connection never completes).
 */
class UnreachableException extends ZrpcException
{
}
