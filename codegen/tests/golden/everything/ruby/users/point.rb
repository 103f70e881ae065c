# frozen_string_literal: true

module Users
  # The `Point` record.
  class Point
    # @return [Float]
    attr_reader :x
    # @return [Float]
    attr_reader :y

    # @param x [Float]
    # @param y [Float]
    def initialize(x:, y:)
      @x = x
      @y = y
    end

    # Builds a Point from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [Point]
    def self.from_wire(wire)
      new(
        x: Zrpc::Wire.float(wire.fetch('x')),
        y: Zrpc::Wire.float(wire.fetch('y'))
      )
    end

    # @return [Hash{Symbol => Object}] the fields by name
    def to_h
      {
        x: @x,
        y: @y
      }
    end

    # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
    def to_wire
      {
        'x' => Float(@x),
        'y' => Float(@y)
      }
    end

    def ==(other)
      other.is_a?(self.class) && other.to_h == to_h
    end
    alias eql? ==

    def hash
      [self.class, to_h].hash
    end
  end
end
