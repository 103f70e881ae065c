# frozen_string_literal: true

module Calculator
  # Raised when dividing by zero.
  class DivisionByZero < Zrpc::RemoteError
    # @return [Float]
    attr_reader :dividend

    # @param dividend [Float]
    # @param message [String] the remote message
    # @param traceback [String, nil] the remote traceback
    def initialize(dividend:, message: 'DivisionByZero', traceback: nil)
      super('DivisionByZero', message, traceback)
      @dividend = dividend
    end

    # Wire names of the fields in declaration order.
    FIELDS = %w[dividend].freeze

    # Builds the error from an ERR event, whose `zrpc_error` header key carries the fields
    # (a map, or an array in declaration order).
    # @param wire [Hash{String => Object}, Array]
    # @param message [String]
    # @param traceback [String, nil]
    # @return [DivisionByZero]
    def self.from_wire(wire, message = 'DivisionByZero', traceback = nil)
      wire = FIELDS.zip(wire).to_h if wire.is_a?(Array)
      new(
        dividend: Zrpc::Wire.float(wire.fetch('dividend')),
        message: message,
        traceback: traceback
      )
    end

    # @return [Hash{Symbol => Object}] the fields by name
    def to_h
      {
        dividend: @dividend
      }
    end

    # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
    def to_wire
      {
        'dividend' => Float(@dividend)
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
