<?php

declare(strict_types=1);

// PSR-4 autoloader for the generated {{ namespace }} client: {{ namespace }}\A\B lives in A/B.php.
spl_autoload_register(static function (string $class): void {
    $prefix = '{{ namespace_escaped }}\\';
    if (!str_starts_with($class, $prefix)) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
