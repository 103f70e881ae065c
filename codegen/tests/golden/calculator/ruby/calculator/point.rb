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
    # rubocop:disable Naming/MethodParameterName
    def initialize(x:, y:, label: nil, tags: [])
      @x = x
      @y = y
      @label = label
      @tags = tags
    end
    # rubocop:enable Naming/MethodParameterName

    # Each field's keyword, wire name, decoder and encoder (nil: the value as it is), and what it
    # reads as when absent or nil on the wire (see Zrpc::Wire.decode_fields).
    WIRE_FIELDS = [
      [:x, 'x', ->(value) { Zrpc::Wire.float(value) }, ->(value) { Float(value) }, :required],
      [:y, 'y', ->(value) { Zrpc::Wire.float(value) }, ->(value) { Float(value) }, :required],
      [:label, 'label', ->(value) { Zrpc::Wire.string(value) }, nil, nil],
      [:tags, 'tags', ->(value) { value.map { |item| Zrpc::Wire.string(item) } }, nil, :default]
    ].freeze

    # Builds a Point from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [Point]
    def self.from_wire(wire)
      new(**Zrpc::Wire.decode_fields(wire, WIRE_FIELDS))
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
      Zrpc::Wire.encode_fields(self, WIRE_FIELDS)
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
