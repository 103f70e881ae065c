<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * The server does not know the called method (zerorpc answers NameError).
 */
class UnknownMethodException extends RemoteException
{
}
