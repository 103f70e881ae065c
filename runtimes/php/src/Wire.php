<?php

declare(strict_types=1);

namespace Zrpc;

/**
 * msgpack encoding and decoding of events.
 *
 * Encoding composes msgpack by hand around the extension's packer, because the extension cannot
 * emit bin or an empty map; decoding never runs in php_only mode (no object instantiation).
 */
final class Wire
{
    private static ?\MessagePack $packer = null;

    private static ?\MessagePackUnpacker $unpacker = null;

    /**
     * Packs a value: arrays by shape (list or map), Bin as bin, WireMap as map, Uint64 as uint 64,
     * the rest by msgpack.
     */
    public static function pack(mixed $value): string
    {
        if (is_array($value)) {
            return array_is_list($value) ? self::packList($value) : self::packMap($value, false);
        }
        if (!is_object($value)) {
            return (self::$packer ??= new \MessagePack(false))->pack($value);
        }
        if ($value instanceof Bin) {
            return self::binHeader(strlen($value->data)) . $value->data;
        }
        if ($value instanceof WireMap) {
            return self::packMap($value->entries, $value->stringKeys, $value->u64Keys);
        }
        if ($value instanceof Uint64) {
            return $value->pack();
        }
        throw new \InvalidArgumentException('cannot send a ' . get_class($value) . ' object; use its toWire()');
    }

    /**
     * Decodes one msgpack value.
     *
     * @throws ProtocolException when the data is not exactly one msgpack value
     */
    public static function unpack(string $data): mixed
    {
        $unpacker = self::$unpacker ??= new \MessagePackUnpacker(false);
        // Unpacking from the string with an offset, not feed(): no copy into the unpacker's
        // buffer, and the offset tells whether the value used every byte.
        $offset = 0;
        $complete = $unpacker->execute($data, $offset) && $offset === strlen($data);
        $value = $complete ? $unpacker->data() : null;
        $unpacker->reset();
        if (!$complete) {
            // Start the next one afresh: nothing of this input may leak into it.
            self::$unpacker = null;
            throw new ProtocolException('undecodable msgpack data (' . strlen($data) . ' bytes)');
        }
        return $value;
    }

    /**
     * The value of a required field of a decoded map.
     *
     * @param array<int|string, mixed> $wire
     * @throws ProtocolException when the field is missing
     */
    public static function field(array $wire, string $field, string $type): mixed
    {
        if (!array_key_exists($field, $wire)) {
            throw new ProtocolException("{$type} received without its required field {$field}");
        }
        return $wire[$field];
    }

    /**
     * @param list<mixed> $items
     */
    private static function packList(array $items): string
    {
        foreach ($items as $item) {
            if (is_array($item) || is_object($item)) {
                return self::packItems($items);
            }
        }
        // Only scalars and nulls: the extension packs the list exactly as item by item would.
        return (self::$packer ??= new \MessagePack(false))->pack($items);
    }

    /**
     * @param list<mixed> $items
     */
    private static function packItems(array $items): string
    {
        $out = self::header(count($items), 0x90, "\xdc", "\xdd");
        foreach ($items as $item) {
            $out .= self::pack($item);
        }
        return $out;
    }

    /**
     * @param array<int|string, mixed> $entries
     */
    private static function packMap(array $entries, bool $stringKeys, bool $u64Keys = false): string
    {
        $out = self::header(count($entries), 0x80, "\xde", "\xdf");
        foreach ($entries as $key => $value) {
            $wireKey = match (true) {
                $stringKeys => (string) $key,
                // A u64 key above PHP_INT_MAX can only be a decimal string key.
                $u64Keys && is_string($key) => Uint64::wire($key),
                default => $key,
            };
            $out .= self::pack($wireKey) . self::pack($value);
        }
        return $out;
    }

    private static function header(int $size, int $fix, string $marker16, string $marker32): string
    {
        if ($size < 16) {
            return chr($fix | $size);
        }
        return $size < 0x10000 ? $marker16 . pack('n', $size) : $marker32 . pack('N', $size);
    }

    private static function binHeader(int $size): string
    {
        if ($size < 0x100) {
            return "\xc4" . chr($size);
        }
        return $size < 0x10000 ? "\xc5" . pack('n', $size) : "\xc6" . pack('N', $size);
    }
}
