# frozen_string_literal: true

module Calculator
  # The `log` event.
  CalculatorLog = Struct.new(:line) do
    # Calls the handler's `log`.
    def dispatch(handler)
      handler.log(*to_a)
    end
  end

  # Typed decoding of the `Calculator` events.
  module CalculatorEvents
    # Decoders of the `log` arguments, in order (nil: taken as it is).
    LOG_ARGUMENTS = [
      ->(value) { Zrpc::Wire.string(value) }
    ].freeze

    # @return [CalculatorLog]
    def self.log(args)
      CalculatorLog.new(*Zrpc::Wire.decode_args(args, LOG_ARGUMENTS))
    end

    # Argument count and decoder of each event, by wire name.
    DECODERS = {
      'log' => [1, method(:log)]
    }.freeze

    # @return [Struct] the typed event, one of the Structs above
    # @raise [Zrpc::ProtocolError] when the event does not match the IDL
    def self.decode(name, args)
      arity, decoder = DECODERS[name]
      raise Zrpc::ProtocolError, "the Calculator service has no event #{name.inspect}" unless decoder
      raise Zrpc::ProtocolError, "expected #{arity} argument(s), got #{args.size}" unless args.size == arity

      decoder.call(args)
    end
  end

  # Sends `Calculator` events to every subscriber (PUB); connects, or binds with `bind: true`.
  class CalculatorPublisher
    # @param endpoint [String] a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4243"
    # @param curve_server_key [String, nil] the peer's CURVE public key (Z85): this side is the CURVE client
    # @param curve_public_key [String, nil] this side's CURVE public key (Z85)
    # @param curve_secret_key [String, nil] this side's CURVE secret key (Z85); alone: the CURVE server
    def initialize(endpoint, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil)
      @socket = Zrpc::Publisher.new(
        endpoint,
        bind: bind,
        curve_server_key: curve_server_key,
        curve_public_key: curve_public_key,
        curve_secret_key: curve_secret_key
      )
    end

    # Closes the socket, flushing queued events for at most half a second.
    def close
      @socket.close
    end

    # The `log` event.
    # @param line [String]
    def log(line)
      @socket.publish('log', [line])
    end
  end

  # Sends `Calculator` events each to one puller (PUSH); connects, or binds with `bind: true`.
  class CalculatorPusher
    # @param endpoint [String] a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4243"
    # @param curve_server_key [String, nil] the peer's CURVE public key (Z85): this side is the CURVE client
    # @param curve_public_key [String, nil] this side's CURVE public key (Z85)
    # @param curve_secret_key [String, nil] this side's CURVE secret key (Z85); alone: the CURVE server
    def initialize(endpoint, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil)
      @socket = Zrpc::Pusher.new(
        endpoint,
        bind: bind,
        curve_server_key: curve_server_key,
        curve_public_key: curve_public_key,
        curve_secret_key: curve_secret_key
      )
    end

    # Closes the socket, flushing queued events for at most half a second.
    def close
      @socket.close
    end

    # The `log` event.
    # @param line [String]
    def log(line)
      @socket.push('log', [line])
    end
  end

  # Receives `Calculator` events (all of them, SUB); connects, or binds with `bind: true`. `run` calls
  # the handler's method for each event until `stop`; `each` yields typed events instead. An
  # event that does not match the IDL is dropped with a rate-limited line on stderr; so is an
  # error raised by the handler, and `run` goes on.
  class CalculatorSubscriber
    include Enumerable

    # @param handler [Object, nil] responds to one method per event
    # rubocop:disable Metrics/ParameterLists
    def initialize(
      endpoint, handler = nil, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil
    )
      @handler = handler
      @socket = Zrpc::Subscriber.new(
        endpoint,
        bind: bind,
        curve_server_key: curve_server_key,
        curve_public_key: curve_public_key,
        curve_secret_key: curve_secret_key,
        &CalculatorEvents.method(:decode)
      )
    end
    # rubocop:enable Metrics/ParameterLists

    # Dispatches each event to the handler until #stop (blocking); an error the handler raises is
    # logged (rate-limited) and the loop goes on.
    def run
      raise ArgumentError, 'run needs the handler given to new' unless @handler

      @socket.run { |event| event.dispatch(@handler) }
    end

    # Ends #run and #each within 0.1 s; safe from another thread.
    def stop
      @socket.stop
    end

    # @return [Struct, nil] the next event (a Struct of CalculatorEvents.decode); nil after `timeout`
    #   seconds or once stopped
    def receive(timeout = nil)
      @socket.receive(timeout)
    end

    # Yields each typed event until #stop.
    def each(&block)
      @socket.each(&block)
    end

    # Stops and closes the socket.
    def close
      @socket.close
    end
  end

  # Receives `Calculator` events (a share of them, PULL); connects, or binds with `bind: true`. `run` calls
  # the handler's method for each event until `stop`; `each` yields typed events instead. An
  # event that does not match the IDL is dropped with a rate-limited line on stderr; so is an
  # error raised by the handler, and `run` goes on.
  class CalculatorPuller
    include Enumerable

    # @param handler [Object, nil] responds to one method per event
    # rubocop:disable Metrics/ParameterLists
    def initialize(
      endpoint, handler = nil, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil
    )
      @handler = handler
      @socket = Zrpc::Puller.new(
        endpoint,
        bind: bind,
        curve_server_key: curve_server_key,
        curve_public_key: curve_public_key,
        curve_secret_key: curve_secret_key,
        &CalculatorEvents.method(:decode)
      )
    end
    # rubocop:enable Metrics/ParameterLists

    # Dispatches each event to the handler until #stop (blocking); an error the handler raises is
    # logged (rate-limited) and the loop goes on.
    def run
      raise ArgumentError, 'run needs the handler given to new' unless @handler

      @socket.run { |event| event.dispatch(@handler) }
    end

    # Ends #run and #each within 0.1 s; safe from another thread.
    def stop
      @socket.stop
    end

    # @return [Struct, nil] the next event (a Struct of CalculatorEvents.decode); nil after `timeout`
    #   seconds or once stopped
    def receive(timeout = nil)
      @socket.receive(timeout)
    end

    # Yields each typed event until #stop.
    def each(&block)
      @socket.each(&block)
    end

    # Stops and closes the socket.
    def close
      @socket.close
    end
  end
end
