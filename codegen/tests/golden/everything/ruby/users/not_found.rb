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

    # Each field's keyword, wire name, decoder and encoder (nil: the value as it is), and what it
    # reads as when absent or nil on the wire (see Zrpc::Wire.decode_fields).
    WIRE_FIELDS = [
      [:id, 'id', ->(value) { Zrpc::Wire.integer(value) }, nil, :required],
      [:hint, 'hint', ->(value) { Zrpc::Wire.string(value) }, nil, nil]
    ].freeze

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
      new(**Zrpc::Wire.decode_fields(wire, WIRE_FIELDS), message: message, traceback: traceback)
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
