# frozen_string_literal: true

module Users
  # Users, by id.
  class UsersClient
    # Declared errors the server may raise, by wire name.
    ERRORS = { 'NotFound' => NotFound, 'Forbidden' => Forbidden }.freeze

    # @param endpoint [String] the server's ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
    # @param timeout [Numeric] seconds to wait for the first reply of a call (each method also
    #   takes its own `timeout:`)
    # @param heartbeat [Numeric, nil] heartbeat interval in seconds (nil: none)
    # @param curve_server_key [String, nil] the server's CURVE public key (Z85)
    # @param curve_public_key [String, nil] this client's CURVE public key (Z85)
    # @param curve_secret_key [String, nil] this client's CURVE secret key (Z85)
    # @raise [Zrpc::Error] every call raises a Zrpc::Error subclass (docs/protocol.md, section 7)
    def initialize(endpoint, timeout: 30, heartbeat: 5, curve_server_key: nil, curve_public_key: nil,
                   curve_secret_key: nil)
      @connection = Zrpc::Connection.new(
        endpoint,
        timeout: timeout, heartbeat: heartbeat, errors: ERRORS,
        curve_server_key: curve_server_key, curve_public_key: curve_public_key, curve_secret_key: curve_secret_key
      )
    end

    # @return [Zrpc::Connection] the underlying connection, for raw calls by method name
    attr_reader :connection

    # Closes the socket; later calls raise Zrpc::ClientClosedError.
    def close
      @connection.close
    end

    # Fetches a user.
    # @param id [Integer]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [User]
    # @raise [NotFound]
    def get(id, timeout: nil)
      @connection.call('get', [id], timeout: timeout) do |result|
        User.from_wire(result)
      end
    end

    # Deletes a user.
    # @param id [Integer]
    # @param type [String]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [nil]
    # @raise [NotFound]
    # @raise [Forbidden]
    def delete(id, type, timeout: nil)
      @connection.call('delete', [id, type], timeout: timeout)
      nil
    end

    # Every user, one by one.
    # @param role [String, nil]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @yieldparam item [User]
    # @return [Enumerator<User>, nil] the items when no block is given
    def list(role = nil, timeout: nil, &block)
      items = @connection.stream('list', [role], timeout: timeout) { |item| User.from_wire(item) }
      block ? items.each(&block) : items
    end

    # All users by name.
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Hash{String => User}]
    def directory(timeout: nil)
      @connection.call('directory', [], timeout: timeout) do |result|
        result.transform_values { |item| User.from_wire(item) }
      end
    end

    # Fire and forget.
    # @param id [Integer]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [nil] at once: the server sends nothing back (oneway)
    def touch(id, timeout: nil)
      @connection.oneway('touch', [id], timeout: timeout)
    end

    # Escaped method names.
    # @param self_ [String]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Boolean]
    def match(self_, timeout: nil)
      @connection.call('match', [self_], timeout: timeout) do |result|
        Zrpc::Wire.boolean(result)
      end
    end

    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [String]
    def schema(timeout: nil)
      @connection.call('schema', [], timeout: timeout) do |result|
        Zrpc::Wire.string(result)
      end
    end

    # @param id [Integer]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [User]
    # @raise [NotFound]
    def fetch(id, timeout: nil)
      @connection.call('fetch', [id], timeout: timeout) do |result|
        User.from_wire(result)
      end
    end

    # @param id [Integer]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [User, nil]
    def find(id, timeout: nil)
      @connection.call('find', [id], timeout: timeout) do |result|
        result&.then { |item| User.from_wire(item) }
      end
    end

    # @param nodes [Array<Node>]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Hash{String => Shape}]
    def shapes(nodes, timeout: nil)
      @connection.call('shapes', [nodes.map(&:to_wire)], timeout: timeout) do |result|
        result.transform_values { |item| Shape.from_wire(item) }
      end
    end

    # Stores a user and returns it as stored.
    # @param user [User]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [User]
    def save(user, timeout: nil)
      @connection.call('save', [user.to_wire], timeout: timeout) do |result|
        User.from_wire(result)
      end
    end

    # Settings, by a type named like Rust's `Option`.
    # @param names [Array<String>]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Array<Option>]
    def options(names, timeout: nil)
      @connection.call('options', [names], timeout: timeout) do |result|
        result.map { |item| Option.from_wire(item) }
      end
    end
  end
end
