# frozen_string_literal: true

module Users
  # A name users declare that shadows Rust's prelude.
  class Option
    # @return [String]
    attr_reader :name
    # @return [String, nil]
    attr_reader :value_

    # @param name [String]
    # @param value_ [String, nil]
    def initialize(name:, value_: nil)
      @name = name
      @value_ = value_
    end

    # Each field's keyword, wire name, decoder and encoder (nil: the value as it is), and what it
    # reads as when absent or nil on the wire (see Zrpc::Wire.decode_fields).
    WIRE_FIELDS = [
      [:name, 'name', ->(value) { Zrpc::Wire.string(value) }, nil, :required],
      [:value_, 'value', ->(value) { Zrpc::Wire.string(value) }, nil, nil]
    ].freeze

    # Builds a Option from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [Option]
    def self.from_wire(wire)
      new(**Zrpc::Wire.decode_fields(wire, WIRE_FIELDS))
    end

    # @return [Hash{Symbol => Object}] the fields by name
    def to_h
      {
        name: @name,
        value_: @value_
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
