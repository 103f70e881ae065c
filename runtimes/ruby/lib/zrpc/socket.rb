# frozen_string_literal: true

module Zrpc
  # A DEALER socket carrying packed events; raises instead of returning ZeroMQ result codes.
  class Socket
    # @param endpoint [String]
    # @param max_message_size [Integer] replies above this size drop the connection
    # @param curve [Array(String, String, String), nil] server key, public key, secret key (Z85)
    def initialize(endpoint, max_message_size:, curve: nil)
      @endpoint = endpoint
      @context = ZMQ::Context.new
      @socket = @context.socket(ZMQ::DEALER)
      raise TransportError, "cannot create a DEALER socket: #{ZMQ::Util.error_string}" unless @socket

      configure(max_message_size, curve)
      check(@socket.connect(endpoint), "connect to #{endpoint} with")
      @writable = ZMQ::Poller.new
      @writable.register_writable(@socket)
    end

    def closed?
      @socket.nil?
    end

    # Sends one event after the empty delimiter frame, waiting until `deadline` (monotonic
    # seconds) for a completed connection.
    # @return [Boolean] false when no connection completed in time
    def send_event(header, name, args, deadline = nil)
      frames = ['', MessagePack.pack([header, name, args])]
      loop do
        return true if try_send(frames)
        return false unless deadline

        wait = deadline - Zrpc.now
        return false unless wait.positive? && writable_within?(wait)
      end
    end

    # @param timeout [Float] seconds to wait at most
    # @return [String, nil] the event frame of the next message, nil when none arrived in time
    def receive(timeout)
      wait_at_most(timeout.positive? ? (timeout * 1000).ceil : 0)
      frames = []
      rc = @socket.recv_strings(frames)
      return frames.last if ZMQ::Util.resultcode_ok?(rc)
      return nil if ZMQ::Util.errno == ZMQ::EAGAIN

      raise_error('receive on')
    end

    def close
      return unless @socket

      @socket.close
      @socket = nil
      @context.terminate
    end

    private

    def configure(max_message_size, curve)
      # LINGER 0: closing never waits for messages a dead server will not take.
      check(@socket.setsockopt(ZMQ::LINGER, 0), 'set LINGER on')
      # IMMEDIATE: a request waits for a completed connection instead of a queue, which is also
      # how "unreachable" is told from "timeout".
      check(@socket.setsockopt(ZMQ::IMMEDIATE, 1), 'set IMMEDIATE on')
      check(@socket.setsockopt(ZMQ::MAXMSGSIZE, max_message_size), 'set MAXMSGSIZE on')
      return unless curve

      server_key, public_key, secret_key = curve
      check(@socket.setsockopt(ZMQ::CURVE_SERVERKEY, server_key), 'set CURVE_SERVERKEY on')
      check(@socket.setsockopt(ZMQ::CURVE_PUBLICKEY, public_key), 'set CURVE_PUBLICKEY on')
      check(@socket.setsockopt(ZMQ::CURVE_SECRETKEY, secret_key), 'set CURVE_SECRETKEY on')
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

    def check(code, what)
      raise_error(what) unless ZMQ::Util.resultcode_ok?(code)
    end

    def raise_error(what)
      raise TransportError, "cannot #{what} the ZeroMQ socket of #{@endpoint}: #{ZMQ::Util.error_string}"
    end
  end
end
