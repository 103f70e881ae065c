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

    # Builds a Node from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [Node]
    def self.from_wire(wire)
      next_ = wire['next']&.then { |item| Node.from_wire(item) }
      new(
        value_: Zrpc::Wire.integer(wire.fetch('value')),
        next_: next_
      )
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
      {
        'value' => @value_,
        'next' => @next_&.then(&:to_wire)
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
