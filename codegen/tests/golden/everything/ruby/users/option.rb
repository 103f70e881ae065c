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

    # Builds a Option from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [Option]
    def self.from_wire(wire)
      value_ = wire['value']&.then { |item| Zrpc::Wire.string(item) }
      new(
        name: Zrpc::Wire.string(wire.fetch('name')),
        value_: value_
      )
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
      {
        'name' => @name,
        'value' => @value_
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
