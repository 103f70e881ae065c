# frozen_string_literal: true

module Users
  # Not found.
  class NotFound < Zrpc::RemoteError
    # @return [Integer]
    attr_reader :id
    # @return [String, nil]
    attr_reader :hint

    # @param id [Integer]
    # @param hint [String, nil]
    # @param message [String] the remote message
    # @param traceback [String, nil] the remote traceback
    def initialize(id:, hint: nil, message: 'NotFound', traceback: nil)
      super('NotFound', message, traceback)
      @id = id
      @hint = hint
    end

    # Wire names of the fields in declaration order.
    FIELDS = %w[id hint].freeze

    # Builds the error from an ERR event, whose `zrpc_error` header key carries the fields
    # (a map, or an array in declaration order).
    # @param wire [Hash{String => Object}, Array]
    # @param message [String]
    # @param traceback [String, nil]
    # @return [NotFound]
    def self.from_wire(wire, message = 'NotFound', traceback = nil)
      wire = FIELDS.zip(wire).to_h if wire.is_a?(Array)
      hint = wire['hint']&.then { |item| Zrpc::Wire.string(item) }
      new(
        id: Zrpc::Wire.integer(wire.fetch('id')),
        hint: hint,
        message: message,
        traceback: traceback
      )
    end

    # @return [Hash{Symbol => Object}] the fields by name
    def to_h
      {
        id: @id,
        hint: @hint
      }
    end

    # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
    def to_wire
      {
        'id' => @id,
        'hint' => @hint
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
