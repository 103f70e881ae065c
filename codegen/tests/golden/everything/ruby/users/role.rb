# frozen_string_literal: true

module Users
  # A user's role.
  module Role
    ADMIN = 'Admin'
    MEMBER = 'Member'
    GUEST = 'guest'

    # Every variant, in declaration order.
    ALL = [ADMIN, MEMBER, GUEST].freeze

    # @param wire [String] a variant name
    # @return [String] the variant's constant
    # @raise [Zrpc::ProtocolError] for an unknown name
    def self.from_wire(wire)
      variant = ALL.find { |candidate| candidate == wire }
      return variant if variant

      raise Zrpc::ProtocolError, "unknown Role variant #{wire.inspect}"
    end
  end
end
