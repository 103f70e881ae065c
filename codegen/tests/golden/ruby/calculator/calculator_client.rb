# frozen_string_literal: true

module Calculator
  # Client of the `Calculator` service.
  class CalculatorClient
    # Declared errors the server may raise, by wire name.
    ERRORS = { 'DivisionByZero' => DivisionByZero }.freeze

    # @param endpoint [String] the server's ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
    # @param timeout [Numeric] seconds to wait for the first reply of a call
    # @param heartbeat [Numeric, nil] heartbeat interval in seconds, the server's (nil: none)
    def initialize(endpoint, timeout: 30, heartbeat: 5)
      @connection = Protocol::Connection.new(endpoint, timeout: timeout, heartbeat: heartbeat, errors: ERRORS)
    end

    # Closes the socket; the client cannot be used afterwards.
    def close
      @connection.close
    end

    # Adds two integers.
    # @param a [Integer]
    # @param b [Integer]
    # @return [Integer]
    def add(a, b)
      @connection.call('add', [a, b])
    end

    # Divides a by b.
    # @param a [Float]
    # @param b [Float]
    # @return [Float]
    # @raise [DivisionByZero]
    def divide(a, b)
      Float(@connection.call('divide', [Float(a), Float(b)]))
    end

    # Yields n, n-1, ..., 1.
    # @param n [Integer]
    # @yieldparam item [Integer]
    # @return [Enumerator<Integer>, nil] the items when no block is given
    def countdown(n, &block)
      items = @connection.stream('countdown', [n])
      block ? items.each(&block) : items
    end

    # Moves a point.
    # @param p [Point]
    # @param dx [Float]
    # @param dy [Float]
    # @return [Point]
    def translate(p, dx, dy)
      Point.from_wire(@connection.call('translate', [p.to_wire, Float(dx), Float(dy)]))
    end

    # Counts the values by kind.
    # @param values [Array<Value>]
    # @return [Hash{String => Integer}]
    def classify(values)
      @connection.call('classify', [values.map(&:to_wire)])
    end

    # Echoes raw bytes.
    # @param data [String]
    # @return [String]
    def echo_bytes(data)
      @connection.call('echo_bytes', [data.b]).b
    end

    # Sleeps for ms milliseconds, then returns ms (long calls, heartbeats, timeouts).
    # @param ms [Integer]
    # @return [Integer]
    def sleep(ms)
      @connection.call('sleep', [ms])
    end

    # Names of all shapes.
    # @return [Array<String>]
    def shapes
      @connection.call('shapes', []).map { |item| Shape.from_wire(item) }
    end

    # @param line [String]
    # @return [nil] at once: the server sends nothing back (oneway)
    def log(line)
      @connection.oneway('log', [line])
    end
  end
end
