# frozen_string_literal: true

module Calculator
  # Client of the `Calculator` service.
  class CalculatorClient
    # Declared errors the server may raise, by wire name.
    ERRORS = { 'DivisionByZero' => DivisionByZero }.freeze

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

    # Adds two integers.
    # @param a [Integer]
    # @param b [Integer]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Integer]
    def add(a, b, timeout: nil)
      @connection.call('add', [a, b], timeout: timeout) do |result|
        Zrpc::Wire.integer(result)
      end
    end

    # Divides a by b.
    # @param a [Float]
    # @param b [Float]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Float]
    # @raise [DivisionByZero]
    def divide(a, b, timeout: nil)
      @connection.call('divide', [Float(a), Float(b)], timeout: timeout) do |result|
        Zrpc::Wire.float(result)
      end
    end

    # Yields n, n-1, ..., 1.
    # @param n [Integer]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @yieldparam item [Integer]
    # @return [Enumerator<Integer>, nil] the items when no block is given
    def countdown(n, timeout: nil, &block)
      items = @connection.stream('countdown', [n], timeout: timeout) { |item| Zrpc::Wire.integer(item) }
      block ? items.each(&block) : items
    end

    # Moves a point.
    # @param p [Point]
    # @param dx [Float]
    # @param dy [Float]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Point]
    def translate(p, dx, dy, timeout: nil)
      @connection.call('translate', [p.to_wire, Float(dx), Float(dy)], timeout: timeout) do |result|
        Point.from_wire(result)
      end
    end

    # Counts the values by kind.
    # @param values [Array<Value>]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Hash{String => Integer}]
    def classify(values, timeout: nil)
      @connection.call('classify', [values.map(&:to_wire)], timeout: timeout) do |result|
        result.transform_values { |item| Zrpc::Wire.integer(item) }
      end
    end

    # Echoes raw bytes.
    # @param data [String]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [String]
    def echo_bytes(data, timeout: nil)
      @connection.call('echo_bytes', [data.b], timeout: timeout) do |result|
        Zrpc::Wire.bytes(result)
      end
    end

    # Sleeps for ms milliseconds, then returns ms (long calls, heartbeats, timeouts).
    # @param ms [Integer]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Integer]
    def sleep(ms, timeout: nil)
      @connection.call('sleep', [ms], timeout: timeout) do |result|
        Zrpc::Wire.integer(result)
      end
    end

    # Names of all shapes.
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [Array<String>]
    def shapes(timeout: nil)
      @connection.call('shapes', [], timeout: timeout) do |result|
        result.map { |item| Shape.from_wire(item) }
      end
    end

    # @param line [String]
    # @param timeout [Numeric, nil] seconds to wait for the reply (default: the client's)
    # @return [nil] at once: the server sends nothing back (oneway)
    def log(line, timeout: nil)
      @connection.oneway('log', [line], timeout: timeout)
    end
  end
end
