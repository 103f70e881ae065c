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

    def mismatch(expected, value)
      shown = value.inspect
      shown = "#{shown[0, 77]}..." if shown.size > 80
      ProtocolError.new("expected #{expected}, got #{value.class} #{shown}")
    end
  end
end
