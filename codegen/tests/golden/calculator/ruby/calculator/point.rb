# frozen_string_literal: true

module Calculator
  # A point on the plane.
  class Point
    # @return [Float]
    attr_reader :x
    # @return [Float]
    attr_reader :y
    # Optional label.
    # @return [String, nil]
    attr_reader :label
    # @return [Array<String>]
    attr_reader :tags

    # @param x [Float]
    # @param y [Float]
    # @param label [String, nil]
    # @param tags [Array<String>]
    def initialize(x:, y:, label: nil, tags: [])
      @x = x
      @y = y
      @label = label
      @tags = tags
    end

    # Builds a Point from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [Point]
    def self.from_wire(wire)
      label = wire['label']&.then { |item| Zrpc::Wire.string(item) }
      tags = wire['tags']&.map { |item| Zrpc::Wire.string(item) }
      tags ||= []
      new(
        x: Zrpc::Wire.float(wire.fetch('x')),
        y: Zrpc::Wire.float(wire.fetch('y')),
        label: label,
        tags: tags
      )
    end

    # @return [Hash{Symbol => Object}] the fields by name
    def to_h
      {
        x: @x,
        y: @y,
        label: @label,
        tags: @tags
      }
    end

    # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
    def to_wire
      {
        'x' => Float(@x),
        'y' => Float(@y),
        'label' => @label,
        'tags' => @tags
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
