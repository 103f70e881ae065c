<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * An exception raised by the remote method, received as ERR [name, message, traceback].
 */
class RemoteException extends ZrpcException
{
    /**
     * @param string $name the remote exception's name
     * @param string $remoteMessage the remote exception's message
     * @param ?string $traceback the remote traceback
     */
    public function __construct(
        public readonly string $name,
        public readonly string $remoteMessage,
        public readonly ?string $traceback = null,
    ) {
        parent::__construct("{$name}: {$remoteMessage}");
    }
}
