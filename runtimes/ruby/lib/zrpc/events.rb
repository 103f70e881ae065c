# frozen_string_literal: true

module Zrpc
  # Events over PUB/SUB and PUSH/PULL: zerorpc's [header, name, args] on one frame, with the
  # header of a client request (v 3, a fresh message_id), so stock zerorpc peers take part.
  # Any side binds (bind: true) or connects. CURVE keywords as the clients have them:
  # curve_server_key makes this side the CURVE client (a fresh key pair unless given one); a
  # key pair alone makes it the CURVE server.
  class EventSocket
    # @return [String]
    attr_reader :endpoint

    def initialize(kind, endpoint, bind:, curve_server_key:, curve_public_key:, curve_secret_key:,
                   max_message_size: Connection::DEFAULT_MAX_MESSAGE_SIZE)
      check_keys(curve_server_key, curve_public_key, curve_secret_key)
      @endpoint = endpoint
      @context = ZMQ::Context.new
      @socket = @context.socket(kind)
      raise TransportError, "cannot create a ZeroMQ socket: #{ZMQ::Util.error_string}" unless @socket

      configure(max_message_size, curve_server_key, curve_public_key, curve_secret_key)
      check(@socket.setsockopt(ZMQ::SUBSCRIBE, ''), 'subscribe') if kind == ZMQ::SUB
      check(bind ? @socket.bind(endpoint) : @socket.connect(endpoint), "#{bind ? 'bind' : 'connect'} to")
    end

    def closed?
      @socket.nil?
    end

    # Closes the socket; queued events get at most half a second to leave.
    def close
      return unless @socket

      @socket.setsockopt(ZMQ::LINGER, 500)
      @socket.close
      @socket = nil
      @context.terminate
    end

    private

    def check_keys(server_key, public_key, secret_key)
      { curve_server_key: server_key, curve_public_key: public_key, curve_secret_key: secret_key }.each do |name, key|
        raise ArgumentError, "#{name} must be a 40-character Z85 key" if key && !(key.is_a?(String) && key.size == 40)
      end
      raise ArgumentError, 'curve_public_key and curve_secret_key go together' if public_key.nil? != secret_key.nil?
    end

    def configure(max_message_size, server_key, public_key, secret_key)
      check(@socket.setsockopt(ZMQ::LINGER, 0), 'set LINGER on')
      check(@socket.setsockopt(ZMQ::MAXMSGSIZE, max_message_size), 'set MAXMSGSIZE on')
      if server_key
        public_key, secret_key = ZMQ::Util.curve_keypair unless public_key
        check(@socket.setsockopt(ZMQ::CURVE_SERVERKEY, server_key), 'set CURVE_SERVERKEY on')
        check(@socket.setsockopt(ZMQ::CURVE_PUBLICKEY, public_key), 'set CURVE_PUBLICKEY on')
      elsif secret_key
        check(@socket.setsockopt(ZMQ::CURVE_SERVER, 1), 'set CURVE_SERVER on')
      end
      check(@socket.setsockopt(ZMQ::CURVE_SECRETKEY, secret_key), 'set CURVE_SECRETKEY on') if secret_key
    end

    def check(code, what)
      return if ZMQ::Util.resultcode_ok?(code)

      raise TransportError, "cannot #{what} the ZeroMQ socket of #{@endpoint}: #{ZMQ::Util.error_string}"
    end

    def socket
      raise ClientClosedError, "the #{self.class.name} of #{@endpoint} is closed" unless @socket

      @socket
    end
  end

  # Sends events: the PUB or PUSH side.
  class EventSender < EventSocket
    def initialize(kind, endpoint, **options)
      super
      @ids = IdGenerator.new
    end

    private

    def send_event(name, args)
      header = { 'message_id' => @ids.next_id, 'v' => 3 }
      check(socket.send_string(MessagePack.pack([header, name, args])), 'send on')
    end
  end

  # A PUB socket: every connected subscriber gets each event; one that falls behind by the
  # high-water mark loses events instead of growing this process's memory.
  class Publisher < EventSender
    def initialize(endpoint, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil)
      super(ZMQ::PUB, endpoint, bind: bind, curve_server_key: curve_server_key,
                                curve_public_key: curve_public_key, curve_secret_key: curve_secret_key)
    end

    # Sends event `name`; never blocks (nobody subscribed means nobody gets it).
    def publish(name, args)
      send_event(name, args)
    end
  end

  # A PUSH socket: each event goes to one connected puller, round robin; blocks while no puller
  # has room.
  class Pusher < EventSender
    def initialize(endpoint, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil)
      super(ZMQ::PUSH, endpoint, bind: bind, curve_server_key: curve_server_key,
                                 curve_public_key: curve_public_key, curve_secret_key: curve_secret_key)
    end

    # Sends event `name` to one puller.
    def push(name, args)
      send_event(name, args)
    end
  end

  # Receives events: the SUB or PULL side. Each event goes through the decoder block (generated
  # code's typed decoding); one that is not msgpack, not an event, or that the block rejects with
  # a ProtocolError is dropped with a rate-limited line on stderr. #run logs an error raised by
  # its block the same way and goes on with the next event.
  class EventReceiver < EventSocket
    include Enumerable

    # How often a blocking receive looks at the stop flag, in milliseconds.
    STOP_POLL_MS = 100

    def initialize(kind, endpoint, decoder, **options)
      super(kind, endpoint, **options)
      @decoder = decoder
      @drops = Drops.new(endpoint)
      @stopped = false
      # The name of the last event decoded, for the log line of a failing handler.
      @current = nil
      check(@socket.setsockopt(ZMQ::RCVTIMEO, STOP_POLL_MS), 'set RCVTIMEO on')
    end

    # @param timeout [Numeric, nil] seconds to wait at most (nil: until stopped)
    # @return [Object, nil] the next event that matches; nil after the timeout or once stopped
    def receive(timeout = nil)
      deadline = timeout && (Zrpc.now + timeout)
      until @stopped || closed?
        event = typed(next_frame)
        return event if event
        return nil if deadline && Zrpc.now >= deadline
      end
      nil
    end

    # Yields each event until #stop.
    def each
      return enum_for(:each) unless block_given?

      while (event = receive)
        yield event
      end
    end

    # Yields each event until #stop; a StandardError raised by the block is logged (rate-limited)
    # and the loop goes on with the next event.
    def run
      each do |event|
        yield event
      rescue StandardError => e
        @drops.note("the handler of event #{@current.inspect} raised #{e.class}: #{e.message}")
      end
    end

    # Ends #receive, #each and #run within 0.1 s; safe from another thread.
    def stop
      @stopped = true
    end

    def close
      stop
      super
    end

    private

    def next_frame
      frames = []
      rc = socket.recv_strings(frames)
      return frames if ZMQ::Util.resultcode_ok?(rc)
      return nil if ZMQ::Util.errno == ZMQ::EAGAIN

      raise TransportError, "cannot receive on the ZeroMQ socket of #{@endpoint}: #{ZMQ::Util.error_string}"
    end

    def typed(frames)
      return nil unless frames

      unless frames.size == 1
        @drops.note("#{frames.size} frames instead of 1")
        return nil
      end
      event = unpack(frames.first)
      return nil unless event

      @current = event[1]
      @decoder.call(event[1], event[2])
    rescue ProtocolError => e
      @drops.note("event #{event[1].inspect}: #{e.message}")
      nil
    end

    def unpack(frame)
      event = MessagePack.unpack(frame)
      return event if event.is_a?(Array) && event.size == 3 && event[0].is_a?(Hash) &&
                      event[1].is_a?(String) && event[2].is_a?(Array)

      @drops.note('not a zerorpc event [header, name, [args]]')
      nil
    rescue StandardError => e
      @drops.note("undecodable msgpack (#{e.class})")
      nil
    end
  end

  # A SUB socket subscribed to every event.
  class Subscriber < EventReceiver
    def initialize(endpoint, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil,
                   &decoder)
      super(ZMQ::SUB, endpoint, decoder || ->(name, args) { [name, args] },
            bind: bind, curve_server_key: curve_server_key, curve_public_key: curve_public_key,
            curve_secret_key: curve_secret_key)
    end
  end

  # A PULL socket: gets its share of the events pushed to it.
  class Puller < EventReceiver
    def initialize(endpoint, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil,
                   &decoder)
      super(ZMQ::PULL, endpoint, decoder || ->(name, args) { [name, args] },
            bind: bind, curve_server_key: curve_server_key, curve_public_key: curve_public_key,
            curve_secret_key: curve_secret_key)
    end
  end
end
