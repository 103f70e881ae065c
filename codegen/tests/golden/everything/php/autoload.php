<?php

declare(strict_types=1);

// Autoloader for projects without composer: the generated Users client (PSR-4:
// Users\A\B lives in A/B.php) and, unless something already loads it, the zrpc
// runtime from $ZRPC_PHP_RUNTIME (a checkout's runtimes/php) or ./vendor/zrpc/runtime.
spl_autoload_register(static function (string $class): void {
    $prefix = 'Users\\';
    if (!str_starts_with($class, $prefix)) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
if (!class_exists(\Zrpc\Connection::class)) {
    $runtime = getenv('ZRPC_PHP_RUNTIME') ?: __DIR__ . '/vendor/zrpc/runtime';
    if (!is_file("{$runtime}/autoload.php")) {
        throw new \RuntimeException(
            "the zrpc PHP runtime is not at {$runtime}: install zrpc/runtime with composer, "
            . 'or set ZRPC_PHP_RUNTIME to the runtimes/php directory of zrpc'
        );
    }
    require "{$runtime}/autoload.php";
}
