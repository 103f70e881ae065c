# frozen_string_literal: true

module Users
  # A shape with a keyword variant.
  module Shape
    # The `circle` variant of Shape.
    class Circle
      # @return [Float]
      attr_reader :value

      # @param value [Float]
      def initialize(value)
        @value = value
      end

      # @param wire [Object] the variant's value in wire form
      # @return [Circle]
      def self.from_wire(wire)
        new(Zrpc::Wire.float(wire))
      end

      # @return [Hash{String => Object}] the wire form, a one-entry map
      def to_wire
        { 'circle' => Float(value) }
      end

      def ==(other)
        other.is_a?(self.class) && other.value == value
      end
      alias eql? ==

      def hash
        [self.class, value].hash
      end
    end

    # The `polygon` variant of Shape.
    class Polygon
      # @return [Array<Users::Point>]
      attr_reader :value

      # @param value [Array<Users::Point>]
      def initialize(value)
        @value = value
      end

      # @param wire [Object] the variant's value in wire form
      # @return [Polygon]
      def self.from_wire(wire)
        value = wire.map { |item| Users::Point.from_wire(item) }
        new(value)
      end

      # @return [Hash{String => Object}] the wire form, a one-entry map
      def to_wire
        { 'polygon' => value.map(&:to_wire) }
      end

      def ==(other)
        other.is_a?(self.class) && other.value == value
      end
      alias eql? ==

      def hash
        [self.class, value].hash
      end
    end

    # Escaped too.
    class Type
      # @return [String]
      attr_reader :value

      # @param value [String]
      def initialize(value)
        @value = value
      end

      # @param wire [Object] the variant's value in wire form
      # @return [Type]
      def self.from_wire(wire)
        new(Zrpc::Wire.string(wire))
      end

      # @return [Hash{String => Object}] the wire form, a one-entry map
      def to_wire
        { 'type' => value }
      end

      def ==(other)
        other.is_a?(self.class) && other.value == value
      end
      alias eql? ==

      def hash
        [self.class, value].hash
      end
    end

    # The `node` variant of Shape.
    class Node
      # @return [Users::Node]
      attr_reader :value

      # @param value [Users::Node]
      def initialize(value)
        @value = value
      end

      # @param wire [Object] the variant's value in wire form
      # @return [Node]
      def self.from_wire(wire)
        new(Users::Node.from_wire(wire))
      end

      # @return [Hash{String => Object}] the wire form, a one-entry map
      def to_wire
        { 'node' => value.to_wire }
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
      'circle' => Circle,
      'polygon' => Polygon,
      'type' => Type,
      'node' => Node
    }.freeze

    # Builds the variant named by the only key of the wire form.
    # @param wire [Hash{String => Object}]
    # @return [Circle, Polygon, Type, Node]
    # @raise [Zrpc::ProtocolError] for anything but a one-entry map naming a variant
    def self.from_wire(wire)
      unless wire.is_a?(Hash) && wire.size == 1
        raise Zrpc::ProtocolError, "Shape expects a one-entry map, got #{wire.inspect}"
      end

      name, value = wire.first
      variant = VARIANTS.fetch(name) { raise Zrpc::ProtocolError, "unknown Shape variant #{name.inspect}" }
      variant.from_wire(value)
    end
  end
end
