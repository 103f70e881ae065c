# frozen_string_literal: true

module Calculator
  # The `Shape` enum: each variant is a frozen String constant.
  module Shape
    CIRCLE = 'Circle'
    SQUARE = 'Square'
    TRIANGLE = 'Triangle'

    # Every variant, in declaration order.
    ALL = [CIRCLE, SQUARE, TRIANGLE].freeze

    # @param wire [String] a variant name
    # @return [String] the variant's constant
    # @raise [Zrpc::ProtocolError] for an unknown name
    def self.from_wire(wire)
      variant = ALL.find { |candidate| candidate == wire }
      return variant if variant

      raise Zrpc::ProtocolError, "unknown Shape variant #{wire.inspect}"
    end
  end
end
