# frozen_string_literal: true

module Zrpc
  # Checked conversions of decoded msgpack values, used by generated code: each returns its
  # argument with the declared type or raises ProtocolError (the connection adds the method).
  module Wire
    module_function

    # @return [Integer]
    def integer(value)
      return value if value.is_a?(Integer)

      raise mismatch('an integer', value)
    end

    # @return [Float] (integers are widened)
    def float(value)
      return value.to_f if value.is_a?(Float) || value.is_a?(Integer)

      raise mismatch('a float', value)
    end

    # @return [String]
    def string(value)
      return value if value.is_a?(String)

      raise mismatch('a string', value)
    end

    # @return [String] binary (peers that cannot emit bin send bytes as str)
    def bytes(value)
      return value.b if value.is_a?(String)

      raise mismatch('bytes', value)
    end

    # @return [Boolean]
    def boolean(value)
      return value if [true, false].include?(value)

      raise mismatch('a boolean', value)
    end

    # @return [Array]
    def array(value)
      return value if value.is_a?(Array)

      raise mismatch('an array', value)
    end

    # @return [Hash] (PHP packs an empty map as an empty array)
    def map(value)
      return value if value.is_a?(Hash)
      return {} if value == []

      raise mismatch('a map', value)
    end

    # The keyword arguments of a generated data class's `new`, read from its wire map with the
    # class's `WIRE_FIELDS`: rows of [keyword, wire name, decoder, encoder, absent], where a nil
    # decoder or encoder keeps the value as it is and `absent` says what a field absent or nil
    # on the wire reads as: :default (the keyword is left out, so `new` fills in the default),
    # nil (an optional field) or :required (KeyError when absent; the decoder sees even nil).
    # @return [Hash{Symbol => Object}]
    def decode_fields(wire, fields)
      args = {}
      fields.each do |keyword, name, decoder, _encoder, absent|
        value = absent == :required ? wire.fetch(name) : wire[name]
        next if value.nil? && absent == :default

        args[keyword] = value.nil? && absent.nil? ? nil : convert(decoder, value)
      end
      args
    end

    # The wire map of a generated data object, by its class's `WIRE_FIELDS` (see decode_fields).
    # @return [Hash{String => Object}]
    def encode_fields(object, fields)
      wire = {}
      fields.each do |keyword, name, _decoder, encoder, _absent|
        wire[name] = convert(encoder, object.public_send(keyword))
      end
      wire
    end

    # An event's positional arguments, each through its decoder (nil keeps it as it is).
    # @return [Array]
    def decode_args(args, decoders)
      decoders.each_with_index.map { |decoder, index| convert(decoder, args[index]) }
    end

    def convert(converter, value)
      converter ? converter.call(value) : value
    end

    def mismatch(expected, value)
      shown = value.inspect
      shown = "#{shown[0, 77]}..." if shown.size > 80
      ProtocolError.new("expected #{expected}, got #{value.class} #{shown}")
    end
  end
end
