# frozen_string_literal: true

module Users
  # A linked list: recursion broken by an optional.
  class Node
    # @return [Integer]
    attr_reader :value_
    # @return [Node, nil]
    attr_reader :next_

    # @param value_ [Integer]
    # @param next_ [Node, nil]
    def initialize(value_:, next_: nil)
      @value_ = value_
      @next_ = next_
    end

    # Each field's keyword, wire name, decoder and encoder (nil: the value as it is), and what it
    # reads as when absent or nil on the wire (see Zrpc::Wire.decode_fields).
    WIRE_FIELDS = [
      [:value_, 'value', ->(value) { Zrpc::Wire.integer(value) }, nil, :required],
      [:next_, 'next', ->(value) { Node.from_wire(value) }, ->(value) { value&.then(&:to_wire) }, nil]
    ].freeze

    # Builds a Node from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [Node]
    def self.from_wire(wire)
      new(**Zrpc::Wire.decode_fields(wire, WIRE_FIELDS))
    end

    # @return [Hash{Symbol => Object}] the fields by name
    def to_h
      {
        value_: @value_,
        next_: @next_
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
