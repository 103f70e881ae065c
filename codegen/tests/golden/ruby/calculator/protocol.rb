# frozen_string_literal: true

require 'ffi-rzmq'
require 'msgpack'
require 'securerandom'

module Calculator
  # The zerorpc v3 wire protocol over ZeroMQ, shared by the generated clients.
  module Protocol
    # Base class of every error the client raises.
    class Error < StandardError; end

    # A ZeroMQ operation failed (bad endpoint, closed client, full send queue).
    class TransportError < Error; end

    # The server sent an event that does not follow the protocol.
    class ProtocolError < Error; end

    # No first reply arrived within the call's timeout.
    class TimeoutError < Error; end

    # The server stopped sending heartbeats: it is down, unreachable or stuck.
    class LostRemoteError < Error; end

    # An exception raised by the remote method, received as ERR [name, message, traceback].
    class RemoteError < Error
      # @return [String] the remote exception's name
      attr_reader :name
      # @return [String] the remote exception's message
      attr_reader :remote_message
      # @return [String, nil] the remote traceback
      attr_reader :traceback

      # @param name [String]
      # @param message [String]
      # @param traceback [String, nil]
      def initialize(name, message, traceback = nil)
        super("#{name}: #{message}")
        @name = name
        @remote_message = message
        @traceback = traceback
      end
    end

    # The server does not know the called method (zerorpc answers NameError).
    class UnknownMethodError < RemoteError; end

    # Message ids: 24 random hex digits per client plus an 8-digit counter, sent as bin.
    class IdGenerator
      def initialize
        @prefix = SecureRandom.hex(12)
        @counter = SecureRandom.random_number(0x100000000)
      end

      # @return [String] a fresh 32-byte id (binary encoding, so msgpack sends it as bin)
      def next_id
        @counter = (@counter + 1) & 0xffffffff
        format('%<prefix>s%<counter>08x', prefix: @prefix, counter: @counter).b
      end
    end

    # A DEALER socket carrying packed events; raises instead of returning ZeroMQ result codes.
    class Socket
      # @param endpoint [String]
      def initialize(endpoint)
        @endpoint = endpoint
        @context = ZMQ::Context.new
        @socket = @context.socket(ZMQ::DEALER)
        raise TransportError, "cannot create a DEALER socket: #{ZMQ::Util.error_string}" unless @socket

        # LINGER 0: closing never waits for messages a dead server will not take.
        check(@socket.setsockopt(ZMQ::LINGER, 0), 'set LINGER on')
        # IMMEDIATE: queue only on live connections, so a request never waits in the socket for a
        # server that may come back and run it after the caller gave up.
        check(@socket.setsockopt(ZMQ::IMMEDIATE, 1), 'set IMMEDIATE on')
        check(@socket.connect(endpoint), "connect to #{endpoint} with")
        @writable = ZMQ::Poller.new
        @writable.register_writable(@socket)
      end

      # Sends one event after the empty delimiter frame, waiting up to `patience` seconds for a
      # connected server.
      # @return [Boolean] false when no server took the event in time
      def send_event(header, name, args, patience = 0)
        frames = ['', MessagePack.pack([header, name, args])]
        return true if try_send(frames)
        return false unless patience.positive? && writable_within?(patience)

        try_send(frames)
      end

      # @param timeout [Float] seconds to wait at most
      # @return [Array, nil] the next [header, name, args] event, nil when none arrived in time
      def receive_event(timeout)
        wait_at_most(timeout.positive? ? (timeout * 1000).ceil : 0)
        frames = []
        rc = @socket.recv_strings(frames)
        return unpack(frames.last) if ZMQ::Util.resultcode_ok?(rc)
        return nil if ZMQ::Util.errno == ZMQ::EAGAIN

        raise_error('receive on')
      end

      def close
        check(@socket.close, 'close') if @socket
        @socket = nil
        check(@context.terminate, 'terminate the context of')
      end

      private

      def unpack(body)
        event = MessagePack.unpack(body)
        return event if event.is_a?(Array) && event.size == 3 && event[0].is_a?(Hash) && event[1].is_a?(String)

        raise ProtocolError, "malformed event from #{@endpoint}: #{event.inspect[0, 200]}"
      rescue MessagePack::MalformedFormatError, EOFError, MessagePack::UnknownExtTypeError => e
        raise ProtocolError, "undecodable event from #{@endpoint}: #{e.message}"
      end

      def try_send(frames)
        rc = @socket.send_strings(frames, ZMQ::DONTWAIT)
        return true if ZMQ::Util.resultcode_ok?(rc)

        raise_error('send on') unless ZMQ::Util.errno == ZMQ::EAGAIN
        false
      end

      def writable_within?(seconds)
        rc = @writable.poll((seconds * 1000).ceil)
        check(rc, 'poll')
        rc.positive?
      end

      # A blocking receive with a timeout (RCVTIMEO) costs less than a poll then a receive.
      def wait_at_most(milliseconds)
        return if milliseconds == @receive_timeout

        check(@socket.setsockopt(ZMQ::RCVTIMEO, milliseconds), 'set RCVTIMEO on')
        @receive_timeout = milliseconds
      end

      def check(rc, what)
        raise_error(what) unless ZMQ::Util.resultcode_ok?(rc)
      end

      def raise_error(what)
        raise TransportError, "cannot #{what} the ZeroMQ socket: #{ZMQ::Util.error_string}"
      end
    end

    # One call's conversation: its id, heartbeat clocks, stream credit and received events.
    class Channel
      # Events the client lets the server send ahead of a stream's consumer.
      WINDOW = 100

      # @return [String] the channel id (the request's message_id)
      attr_reader :id
      # @return [Array<Array>] received [header, name, args] events not yet consumed
      attr_reader :inbox
      # @return [Integer] events the server may still send before it needs more credit
      attr_accessor :reserved

      # @return [String] the called method's name
      attr_reader :method_name

      def initialize(id, method_name, heartbeat)
        @id = id
        @method_name = method_name
        @heartbeat = heartbeat
        @inbox = []
        @reserved = 1
        now = Protocol.now
        # A silent server gets three intervals, like the Python reference.
        @last_heard = now + heartbeat.to_f
        @next_beat = now + heartbeat.to_f
      end

      def heard
        @last_heard = Protocol.now
      end

      # @return [Boolean] true when the server missed more than two heartbeats
      def lost?(now)
        @heartbeat && now > @last_heard + (2 * @heartbeat)
      end

      # @return [Float, nil] when the next heartbeat is due
      def next_beat
        @next_beat if @heartbeat
      end

      # @return [Boolean] true when a heartbeat is due, and schedules the next one
      def beat_due?(now)
        return false unless @heartbeat && now >= @next_beat

        @next_beat = now + @heartbeat
        true
      end

      def describe
        "#{@method_name} (channel #{@id})"
      end
    end

    # Current monotonic time in seconds.
    def self.now
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end

    # The open channels of one socket: files incoming events by channel and heartbeats them.
    class Channels
      # @param socket [Socket]
      # @param heartbeat [Numeric, nil]
      def initialize(socket, heartbeat)
        @socket = socket
        @heartbeat = heartbeat
        @ids = IdGenerator.new
        @open = {}
      end

      # Sends a request on a new channel.
      # @param patience [Numeric] seconds to wait for a connected server
      # @return [Channel, nil] nil when no server took the request in time
      def open(method, args, patience)
        id = @ids.next_id
        return unless @socket.send_event({ 'message_id' => id, 'v' => 3 }, method, args, patience)

        @open[id] = Channel.new(id, method, @heartbeat)
      end

      # Sends a request that opens no channel.
      # @return [Boolean] false when no server took the request in time
      def send_oneway(method, args, patience)
        @socket.send_event({ 'message_id' => @ids.next_id, 'v' => 3 }, method, args, patience)
      end

      # Sends a follow-up event (_zpc_hb, _zpc_more) on a channel; a server that went away is
      # noticed by the missing heartbeats.
      def send_on(channel, name, args)
        @socket.send_event({ 'message_id' => @ids.next_id, 'v' => 3, 'response_to' => channel.id }, name, args)
      end

      def forget(channel)
        @open.delete(channel.id) if channel
      end

      # Heartbeats every channel whose interval elapsed, then waits for one event until the
      # deadline or the next heartbeat, whichever comes first.
      def pump(deadline)
        now = Protocol.now
        @open.each_value { |channel| send_on(channel, '_zpc_hb', [0]) if channel.beat_due?(now) }
        event = @socket.receive_event(wake_up(deadline, now) - now)
        file(*event) if event
      end

      private

      def wake_up(deadline, now)
        wake_up = deadline || (now + 1)
        @open.each_value do |channel|
          beat = channel.next_beat
          wake_up = beat if beat && beat < wake_up
        end
        wake_up
      end

      def file(header, name, args)
        # Ids are ASCII hex, so a bin id finds a channel whatever encoding the server echoed.
        channel = @open[header['response_to']]
        return unless channel # late events of finished calls are normal

        channel.heard
        channel.inbox << [header, name, args] unless name.start_with?('_zpc_')
      end
    end

    # A connection to one server: one DEALER socket multiplexing the channels of the calls.
    class Connection
      # @param endpoint [String] a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
      # @param timeout [Numeric] seconds to wait for the first reply of a call
      # @param heartbeat [Numeric, nil] heartbeat interval in seconds (nil: no heartbeats)
      # @param errors [Hash{String => Class}] declared error classes by wire name
      def initialize(endpoint, timeout:, heartbeat:, errors: {})
        @endpoint = endpoint
        @timeout = timeout
        @heartbeat = heartbeat
        @errors = errors
        @socket = Socket.new(endpoint)
        @channels = Channels.new(@socket, heartbeat)
        # How long a request waits for a connected server: the lost-remote window, at most.
        @patience = heartbeat ? [timeout, 3 * heartbeat].min : timeout
      end

      # Calls a method and returns its result.
      # @return [Object] the decoded msgpack value of OK [value]
      def call(method, args)
        channel = open_channel(method, args)
        header, name, value = next_event(channel, Protocol.now + @timeout)
        raise_error(channel, header, value) if name == 'ERR'
        raise ProtocolError, "unexpected #{name} event for #{channel.describe}" unless name == 'OK'

        value.is_a?(Array) ? value.first : value
      ensure
        @channels.forget(channel)
      end

      # Calls a streaming method; the request is sent when iteration starts.
      # @return [Enumerator] the STREAM items, each passed through the block if given
      def stream(method, args, &convert)
        Enumerator.new do |yielder|
          channel = open_channel(method, args)
          each_item(channel) { |item| yielder << (convert ? convert.call(item) : item) }
        ensure
          @channels.forget(channel)
        end
      end

      # Sends a request without waiting for any reply.
      def oneway(method, args)
        raise unreachable(method) unless @channels.send_oneway(method, args, @patience)
      end

      def close
        @socket.close
      end

      private

      def open_channel(method, args)
        @channels.open(method, args, @patience) || raise(unreachable(method))
      end

      def unreachable(method)
        LostRemoteError.new("no server reachable at #{@endpoint} within #{@patience}s when calling #{method} " \
                            '(is the server running?)')
      end

      def each_item(channel)
        deadline = Protocol.now + @timeout
        loop do
          header, name, value = next_event(channel, deadline)
          break if name == 'STREAM_DONE'

          yield stream_item(channel, header, name, value)
          deadline = nil
          grant(channel)
        end
      end

      def stream_item(channel, header, name, value)
        return value if name == 'STREAM'

        raise_error(channel, header, value) if name == 'ERR'
        raise ProtocolError, "unexpected #{name} event for #{channel.describe}"
      end

      # Tops the server's credit up to the window once half of it is used (like zerorpc).
      def grant(channel)
        return if channel.reserved >= Channel::WINDOW / 2

        @channels.send_on(channel, '_zpc_more', [Channel::WINDOW - channel.reserved])
        channel.reserved = Channel::WINDOW
      end

      # Waits for the channel's next OK, ERR, STREAM or STREAM_DONE event, heartbeating meanwhile.
      def next_event(channel, deadline)
        while channel.inbox.empty?
          check_alive(channel, deadline, Protocol.now)
          @channels.pump(deadline)
        end
        channel.reserved -= 1
        channel.inbox.shift
      end

      def check_alive(channel, deadline, now)
        if deadline && now >= deadline
          raise TimeoutError, "no reply from #{@endpoint} within #{@timeout}s when calling #{channel.describe}"
        end
        return unless channel.lost?(now)

        raise LostRemoteError, "lost #{@endpoint}: no heartbeat for #{2 * @heartbeat}s while calling " \
                               "#{channel.describe} (is the server running?)"
      end

      def raise_error(channel, header, args)
        name, message, traceback = args.is_a?(Array) ? args : ['RemoteError', args.to_s]
        error_class = @errors[name]
        details = header['zrpc_error']
        raise error_class.from_wire(details, message, traceback) if error_class && details.is_a?(Enumerable)

        if name == 'NameError'
          message = "#{@endpoint} does not serve #{channel.method_name} (#{message})"
          raise UnknownMethodError.new(name, message, traceback)
        end

        raise RemoteError.new(name.to_s, message.to_s, traceback)
      end
    end
  end
end
