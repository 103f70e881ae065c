# frozen_string_literal: true

module Zrpc
  # A DEALER socket carrying packed events; raises instead of returning ZeroMQ result codes.
  # Sends and receives call libzmq directly (ffi-rzmq's bindings) with one reused message
  # struct: ffi-rzmq's string helpers allocate a message, a pointer and a buffer per frame.
  class Socket
    SEND_MORE = ZMQ::SNDMORE | ZMQ::DONTWAIT

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
      @handle = @socket.socket
      @message = FFI::MemoryPointer.new(ZMQ::Message.msg_size)
      check(LibZMQ.zmq_msg_init(@message), 'prepare a message for')
    end

    def closed?
      @socket.nil?
    end

    # Sends one packed event after the empty delimiter frame, waiting until `deadline`
    # (monotonic seconds) for a completed connection.
    # @return [Boolean] false when no connection completed in time
    def send_event(event, deadline = nil)
      loop do
        return true if try_send(event)
        return false unless deadline

        wait = deadline - Zrpc.now
        return false unless wait.positive? && writable_within?(wait)
      end
    end

    # @param timeout [Float] seconds to wait at most
    # @return [String, nil] the event of the next message (the frame after the empty delimiter,
    #   or a lone frame), nil when none arrived in time. Frames after the event come back as
    #   messages of their own, which fail to decode and are dropped.
    def receive(timeout)
      wait_at_most(timeout.positive? ? (timeout * 1000).ceil : 0)
      size = LibZMQ.zmq_msg_recv(@message, @handle, 0)
      return received_nothing if size.negative?

      if LibZMQ.zmq_msg_more(@message) == 1
        size = LibZMQ.zmq_msg_recv(@message, @handle, 0)
        raise_error('receive on') if size.negative?
      end
      LibZMQ.zmq_msg_data(@message).read_string(size)
    end

    def close
      return unless @socket

      LibZMQ.zmq_msg_close(@message)
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

    def try_send(event)
      if LibZMQ.zmq_send(@handle, '', 0, SEND_MORE).negative?
        return false if LibZMQ.zmq_errno == ZMQ::EAGAIN

        raise_error('send on')
      end
      # ZeroMQ takes the rest of a message whose first frame it took.
      raise_error('send on') if LibZMQ.zmq_send(@handle, event, event.bytesize, ZMQ::DONTWAIT).negative?
      true
    end

    def received_nothing
      return nil if LibZMQ.zmq_errno == ZMQ::EAGAIN

      raise_error('receive on')
    end

    def writable_within?(seconds)
      rc = @writable.poll((seconds * 1000).ceil)
      check(rc, 'poll')
      rc.positive?
    end

    # A blocking receive with a timeout (RCVTIMEO) costs less than a poll then a receive. The
    # option changes only when the wait changes by more than 2% (the next heartbeat or deadline
    # is usually a whole interval away, a little less at each call).
    def wait_at_most(milliseconds)
      current = @receive_timeout
      return if current && current <= milliseconds && current >= milliseconds - (milliseconds / 50) - 1

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
