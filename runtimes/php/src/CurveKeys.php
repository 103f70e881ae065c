<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * The CURVE key arguments every socket takes, checked one way: Z85 keys of 40 characters, a
 * public key only with its secret key, and a fresh key pair for a client given only the
 * server's key.
 *
 * @internal
 */
final class CurveKeys
{
    /**
     * @throws \InvalidArgumentException for a malformed key or a half key pair
     */
    public static function check(?string $server, ?string $public, ?string $secret): void
    {
        $keys = ['curveServerKey' => $server, 'curvePublicKey' => $public, 'curveSecretKey' => $secret];
        foreach ($keys as $name => $key) {
            if ($key !== null && strlen($key) !== 40) {
                throw new \InvalidArgumentException("{$name} must be a 40-character Z85 key");
            }
        }
        if (($public === null) !== ($secret === null)) {
            throw new \InvalidArgumentException('curvePublicKey and curveSecretKey go together');
        }
    }

    /**
     * The client's key pair: the one given, else a fresh one.
     *
     * @return array{0: string, 1: string} the public and the secret key (Z85)
     * @throws \InvalidArgumentException when php-zmq cannot make key pairs
     */
    public static function clientPair(?string $public, ?string $secret): array
    {
        if ($public !== null && $secret !== null) {
            return [$public, $secret];
        }
        if (!method_exists(\ZMQ::class, 'curveKeyPair')) {
            throw new \InvalidArgumentException(
                'this php-zmq cannot make CURVE key pairs: give curvePublicKey and curveSecretKey too'
            );
        }
        $pair = \ZMQ::curveKeyPair();
        return [$pair['public_key'], $pair['secret_key']];
    }
}
