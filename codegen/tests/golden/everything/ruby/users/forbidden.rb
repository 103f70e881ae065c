# frozen_string_literal: true

module Users
  # Not allowed.
  class Forbidden < Zrpc::RemoteError
    # @return [String]
    attr_reader :role

    # @param role [String]
    # @param message [String] the remote message
    # @param traceback [String, nil] the remote traceback
    def initialize(role:, message: 'Forbidden', traceback: nil)
      super('Forbidden', message, traceback)
      @role = role
    end

    # Wire names of the fields in declaration order.
    FIELDS = %w[role].freeze

    # Builds the error from an ERR event, whose `zrpc_error` header key carries the fields
    # (a map, or an array in declaration order).
    # @param wire [Hash{String => Object}, Array]
    # @param message [String]
    # @param traceback [String, nil]
    # @return [Forbidden]
    def self.from_wire(wire, message = 'Forbidden', traceback = nil)
      wire = FIELDS.zip(wire).to_h if wire.is_a?(Array)
      new(
        role: Role.from_wire(wire.fetch('role')),
        message: message,
        traceback: traceback
      )
    end

    # @return [Hash{Symbol => Object}] the fields by name
    def to_h
      {
        role: @role
      }
    end

    # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
    def to_wire
      {
        'role' => @role
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
