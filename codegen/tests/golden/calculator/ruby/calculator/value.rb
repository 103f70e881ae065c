# frozen_string_literal: true

module Calculator
  # The `Value` union: exactly one of the variant classes below.
  module Value
    # The `int` variant of Value.
    class Int
      # @return [Integer]
      attr_reader :value

      # @param value [Integer]
      def initialize(value)
        @value = value
      end

      # @param wire [Object] the variant's value in wire form
      # @return [Int]
      def self.from_wire(wire)
        new(Zrpc::Wire.integer(wire))
      end

      # @return [Hash{String => Object}] the wire form, a one-entry map
      def to_wire
        { 'int' => value }
      end

      def ==(other)
        other.is_a?(self.class) && other.value == value
      end
      alias eql? ==

      def hash
        [self.class, value].hash
      end
    end

    # The `text` variant of Value.
    class Text
      # @return [String]
      attr_reader :value

      # @param value [String]
      def initialize(value)
        @value = value
      end

      # @param wire [Object] the variant's value in wire form
      # @return [Text]
      def self.from_wire(wire)
        new(Zrpc::Wire.string(wire))
      end

      # @return [Hash{String => Object}] the wire form, a one-entry map
      def to_wire
        { 'text' => value }
      end

      def ==(other)
        other.is_a?(self.class) && other.value == value
      end
      alias eql? ==

      def hash
        [self.class, value].hash
      end
    end

    # The `point` variant of Value.
    class Point
      # @return [Calculator::Point]
      attr_reader :value

      # @param value [Calculator::Point]
      def initialize(value)
        @value = value
      end

      # @param wire [Object] the variant's value in wire form
      # @return [Point]
      def self.from_wire(wire)
        new(Calculator::Point.from_wire(wire))
      end

      # @return [Hash{String => Object}] the wire form, a one-entry map
      def to_wire
        { 'point' => value.to_wire }
      end

      def ==(other)
        other.is_a?(self.class) && other.value == value
      end
      alias eql? ==

      def hash
        [self.class, value].hash
      end
    end

    # Variant classes by wire name.
    VARIANTS = {
      'int' => Int,
      'text' => Text,
      'point' => Point
    }.freeze

    # Builds the variant named by the only key of the wire form.
    # @param wire [Hash{String => Object}]
    # @return [Int, Text, Point]
    # @raise [Zrpc::ProtocolError] for anything but a one-entry map naming a variant
    def self.from_wire(wire)
      unless wire.is_a?(Hash) && wire.size == 1
        raise Zrpc::ProtocolError, "Value expects a one-entry map, got #{wire.inspect}"
      end

      name, value = wire.first
      variant = VARIANTS.fetch(name) { raise Zrpc::ProtocolError, "unknown Value variant #{name.inspect}" }
      variant.from_wire(value)
    end
  end
end
