<?php

declare(strict_types=1);

// PSR-4 autoloader of the zrpc runtime for projects without composer: Zrpc\X lives in src/X.php.
spl_autoload_register(static function (string $class): void {
    if (!str_starts_with($class, 'Zrpc\\')) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 5)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
