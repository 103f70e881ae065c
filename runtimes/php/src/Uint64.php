<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * A u64 above PHP_INT_MAX, sent as msgpack uint 64. PHP ints are signed 64-bit, so such a value
 * is its decimal string in PHP, as the msgpack extension decodes it.
 */
final class Uint64
{
    private const MAX = '18446744073709551615';

    private function __construct(public readonly string $decimal)
    {
    }

    /**
     * The wire form of a u64: an int as itself, a decimal string above PHP_INT_MAX as a Uint64.
     *
     * @throws \InvalidArgumentException for a negative int or a string that is no u64
     */
    public static function wire(int|string $value): int|self
    {
        if (is_int($value)) {
            if ($value < 0) {
                throw new \InvalidArgumentException("u64 value {$value} is negative");
            }
            return $value;
        }
        $digits = ltrim($value, '0');
        $valid = preg_match('/^[0-9]+$/', $value) === 1
            && (strlen($digits) < 20 || (strlen($digits) === 20 && strcmp($digits, self::MAX) <= 0));
        if (!$valid) {
            throw new \InvalidArgumentException("'{$value}' is not a u64 decimal string");
        }
        $int = (int) $digits;
        return (string) $int === ($digits === '' ? '0' : $digits) ? $int : new self($digits);
    }

    /**
     * The msgpack encoding: 0xcf and the eight big-endian bytes.
     */
    public function pack(): string
    {
        $digits = $this->decimal;
        $bytes = '';
        for ($i = 0; $i < 8; $i++) {
            // Long division of the decimal string by 256: the remainder is the next low byte.
            $quotient = '';
            $carry = 0;
            foreach (str_split($digits) as $digit) {
                $carry = $carry * 10 + (int) $digit;
                $quotient .= intdiv($carry, 256);
                $carry %= 256;
            }
            $bytes = chr($carry) . $bytes;
            $digits = ltrim($quotient, '0');
            $digits = $digits === '' ? '0' : $digits;
        }
        return "\xcf" . $bytes;
    }
}
