# frozen_string_literal: true

module Zrpc
  # Base class of every error a zrpc client raises.
  class Error < StandardError; end

  # An exception raised by the remote method, received as ERR [name, message, traceback].
  # Generated code raises a subclass for each error an IDL method declares.
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
      super(message.to_s.empty? ? name : "#{name}: #{message}")
      @name = name
      @remote_message = message
      @traceback = traceback
    end
  end

  # The server does not know the called method (zerorpc answers NameError).
  class UnknownMethodError < RemoteError; end

  # Connected, but no first reply arrived within the call's timeout.
  class TimeoutExpired < Error; end

  # The server stopped heartbeating during the call: it died or hangs.
  class LostRemoteError < Error; end

  # No connection completed before the call's deadline: nothing listens, or the CURVE handshake
  # was refused (libzmq gives the client no error for that: the connection never completes).
  class UnreachableError < Error; end

  # The server sent something the protocol does not allow, or a result of the wrong type.
  class ProtocolError < Error; end

  # The client was closed before the call.
  class ClientClosedError < Error; end

  # A ZeroMQ operation failed (bad endpoint, socket error).
  class TransportError < Error; end
end
