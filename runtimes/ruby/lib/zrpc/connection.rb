# frozen_string_literal: true

module Zrpc
  # A connection to one server: one DEALER socket multiplexing the channels of the calls.
  # Heartbeats flow while a call of this connection waits for the server.
  class Connection
    DEFAULT_TIMEOUT = 30
    DEFAULT_HEARTBEAT = 5
    DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
    # A request starts with these bytes: a 3-array, then the header map
    # {"message_id" => bin 32, "v" => 3} whose 32-byte id goes between them.
    REQUEST_HEAD = "\x93\x82\xaamessage_id\xc4\x20".b.freeze
    REQUEST_VERSION = "\xa1v\x03".b.freeze

    # @return [String]
    attr_reader :endpoint

    # @param endpoint [String] a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
    # @param timeout [Numeric] seconds to wait for the first reply of a call
    # @param heartbeat [Numeric, nil] heartbeat interval in seconds (nil: no heartbeats)
    # @param errors [Hash{String => Class}] declared error classes by wire name
    # @param curve_server_key [String, nil] the server's CURVE public key (Z85)
    # @param curve_public_key [String, nil] this client's CURVE public key (Z85)
    # @param curve_secret_key [String, nil] this client's CURVE secret key (Z85)
    def initialize(endpoint, timeout: DEFAULT_TIMEOUT, heartbeat: DEFAULT_HEARTBEAT, errors: {},
                   max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
                   curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil)
      raise ArgumentError, 'timeout must be positive' unless timeout.positive?
      raise ArgumentError, 'heartbeat must be positive (or nil)' if heartbeat && !heartbeat.positive?

      @endpoint = endpoint
      @timeout = timeout.to_f
      @heartbeat = heartbeat&.to_f
      @errors = errors
      curve = Connection.curve_keys(curve_server_key, curve_public_key, curve_secret_key)
      @socket = Socket.new(endpoint, max_message_size: max_message_size, curve: curve)
      @ids = IdGenerator.new
      @open = {}
      @drops = Drops.new(endpoint)
    end

    # The CURVE socket options: nil without a server key; a fresh key pair without client keys.
    def self.curve_keys(server_key, public_key, secret_key)
      check_curve_keys(server_key, public_key, secret_key)
      return unless server_key

      public_key, secret_key = ZMQ::Util.curve_keypair unless public_key
      [server_key, public_key, secret_key]
    end

    def self.check_curve_keys(server_key, public_key, secret_key)
      keys = { curve_server_key: server_key, curve_public_key: public_key, curve_secret_key: secret_key }
      keys.each do |name, key|
        raise ArgumentError, "#{name} must be a 40-character Z85 key" if key && !(key.is_a?(String) && key.size == 40)
      end
      raise ArgumentError, 'curve_public_key and curve_secret_key go together' if public_key.nil? != secret_key.nil?
      raise ArgumentError, 'a CURVE key pair needs curve_server_key' if server_key.nil? && public_key
    end

    # Calls a method; the block (generated code's result check) converts the result, and a
    # ProtocolError it raises names the method.
    # @return [Object] the result (OK [result]), converted by the block if given
    def call(method, args, timeout: nil, &convert)
      channel = open_channel(method, args, timeout)
      begin
        header, name, value = next_event(channel)
      ensure
        @open.delete(channel.id)
      end
      raise remote_error(channel, header, value) if name == 'ERR'
      raise ProtocolError, "unexpected #{name} reply to #{method} (is it a stream?)" unless name == 'OK'
      raise ProtocolError, "malformed OK reply to #{method}: #{value.inspect[0, 80]}" unless ok_args?(value)

      convert ? checked(method) { convert.call(value.first) } : value.first
    end

    # Calls a streaming method; the request is sent when iteration starts. The block converts
    # each item.
    # @return [Enumerator] the STREAM items
    def stream(method, args, timeout: nil, &convert)
      Enumerator.new do |yielder|
        channel = open_channel(method, args, timeout)
        each_item(channel) { |item| yielder << (convert ? checked(method) { convert.call(item) } : item) }
      ensure
        @open.delete(channel.id) if channel
      end
    end

    # Sends a request without waiting for any reply.
    def oneway(method, args, timeout: nil)
      ensure_open
      deadline = Zrpc.now + (timeout || @timeout)
      sent = @socket.send_event(request(@ids.next_id, method, args), deadline)
      raise unreachable(method, timeout || @timeout) unless sent
    end

    # Closes the socket; later calls raise ClientClosedError. Closing twice is harmless.
    def close
      @socket.close
      @open.clear
    end

    def closed?
      @socket.closed?
    end

    private

    def ok_args?(value)
      value.is_a?(Array) && value.size == 1
    end

    def checked(method)
      yield
    rescue ProtocolError => e
      raise ProtocolError, "#{method}: #{e.message}"
    rescue TypeError, ArgumentError, KeyError, NoMethodError => e
      raise ProtocolError, "#{method}: undecodable result (#{e.message})"
    end

    def ensure_open
      raise ClientClosedError, "the client of #{@endpoint} is closed" if @socket.closed?
    end

    def open_channel(method, args, timeout)
      ensure_open
      raise ArgumentError, 'timeout must be positive' if timeout && !timeout.positive?

      id = @ids.next_id
      channel = Channel.new(id, method, @heartbeat, (timeout || @timeout).to_f)
      sent = @socket.send_event(request(id, method, args), channel.deadline)
      raise unreachable(method, channel.timeout) unless sent

      @open[id] = channel
    end

    # The packed request [{message_id, v: 3}, method, args].
    def request(id, method, args)
      (REQUEST_HEAD + id) << REQUEST_VERSION << MessagePack.pack(method) << MessagePack.pack(args)
    end

    def unreachable(method, timeout)
      UnreachableError.new("no connection to #{@endpoint} completed within #{format('%g', timeout)}s " \
                           "when calling #{method} (is the server running? CURVE keys right?)")
    end

    def each_item(channel)
      loop do
        header, name, value = next_event(channel)
        break if name == 'STREAM_DONE'

        yield stream_item(channel, header, name, value)
        channel.deadline = nil
        grant(channel)
      end
    end

    def stream_item(channel, header, name, value)
      return value if name == 'STREAM'

      raise remote_error(channel, header, value) if name == 'ERR'

      raise ProtocolError, "unexpected #{name} reply to #{channel.method_name} (not a stream?)"
    end

    # Tops the server's credit up to the window once half of it is used (like zerorpc).
    def grant(channel)
      return if channel.reserved >= Channel::WINDOW / 2

      grant = Channel::WINDOW - channel.inbox.size
      send_on(channel, '_zpc_more', [grant])
      channel.reserved += grant
    end

    def send_on(channel, name, args)
      header = { 'message_id' => @ids.next_id, 'v' => 3, 'response_to' => channel.id }
      @socket.send_event(MessagePack.pack([header, name, args]))
    end

    # Waits for the channel's next OK, ERR, STREAM or STREAM_DONE event, heartbeating meanwhile.
    def next_event(channel)
      while channel.inbox.empty?
        ensure_open
        now = Zrpc.now
        @open.each_value { |open| send_on(open, '_zpc_hb', [0]) if open.beat_due?(now) }
        check_alive(channel, now)
        frame = @socket.receive(channel.wake_at(now) - now)
        file(frame) if frame
      end
      channel.reserved -= 1
      channel.inbox.shift
    end

    def check_alive(channel, now)
      if channel.deadline && now >= channel.deadline
        raise TimeoutExpired, "no reply from #{@endpoint} within #{format('%g', channel.timeout)}s " \
                              "when calling #{channel.method_name}"
      end
      silence = channel.silence_if_lost(now)
      return unless silence

      raise LostRemoteError, "lost remote #{@endpoint}: no heartbeat for #{format('%.1f', silence)}s " \
                             "while calling #{channel.method_name}"
    end

    # Routes one received event to its channel; undecodable events are dropped (and logged).
    def file(frame)
      event = decode(frame)
      return unless event

      header, name, = event
      channel = @open[header['response_to']]
      return unless channel # late events of finished calls are normal

      channel.heard(name == '_zpc_hb')
      channel.inbox << event unless name.start_with?('_zpc_')
    end

    def decode(frame)
      event = MessagePack.unpack(frame)
      return event if event.is_a?(Array) && event.size == 3 && event[0].is_a?(Hash) && event[1].is_a?(String)

      @drops.note('not a [header, name, args] event')
      nil
    rescue StandardError => e
      @drops.note("undecodable msgpack (#{e.class})")
      nil
    end

    def remote_error(channel, header, args)
      raise ProtocolError, "malformed ERR reply to #{channel.method_name}" unless args.is_a?(Array) && !args.empty?
      return RemoteError.new('RemoteError', args.first.to_s) if args.size == 1

      name, message, traceback = args.map { |part| part&.to_s }
      traceback = nil if traceback&.empty?
      typed_error(name, header['zrpc_error'], message, traceback) || untyped_error(channel, name, message, traceback)
    end

    def untyped_error(channel, name, message, traceback)
      return RemoteError.new(name, message, traceback) unless name == 'NameError'

      UnknownMethodError.new(name, "#{@endpoint} does not know method #{channel.method_name} (#{message})",
                             traceback)
    end

    def typed_error(name, details, message, traceback)
      error_class = @errors[name]
      return unless error_class && details.is_a?(Enumerable)

      error_class.from_wire(details, message, traceback)
    rescue ProtocolError, TypeError, ArgumentError, KeyError, NoMethodError
      nil
    end
  end

  # Message ids: 24 random hex digits per client plus an 8-digit counter, sent as bin.
  class IdGenerator
    def initialize
      @prefix = SecureRandom.hex(12)
      @counter = SecureRandom.random_number(0x100000000)
    end

    # @return [String] a fresh 32-byte id (binary encoding, so msgpack sends it as bin)
    def next_id
      @counter = (@counter + 1) & 0xffffffff
      format('%<counter>08x%<prefix>s', prefix: @prefix, counter: @counter).b
    end
  end

  # Rate-limited warnings about dropped input: at most one line per second.
  class Drops
    def initialize(endpoint)
      @endpoint = endpoint
      @count = 0
      @last = -1.0
    end

    def note(reason)
      @count += 1
      now = Zrpc.now
      return if now - @last < 1.0

      warn "zrpc: dropped #{@count} bad event(s) from #{@endpoint}: #{reason}"
      @count = 0
      @last = now
    end
  end
end
