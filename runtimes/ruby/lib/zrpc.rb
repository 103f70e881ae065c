# frozen_string_literal: true

require 'ffi-rzmq'
require 'msgpack'
require 'securerandom'

require_relative 'zrpc/errors'
require_relative 'zrpc/wire'
require_relative 'zrpc/channel'
require_relative 'zrpc/socket'
require_relative 'zrpc/connection'

# The zrpc client runtime: zerorpc protocol v3 over ZeroMQ (docs/protocol.md). Generated clients
# wrap a Zrpc::Connection; it also makes raw calls by method name.
module Zrpc
  VERSION = '0.1.0'

  # Current monotonic time in seconds.
  def self.now
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end
end
