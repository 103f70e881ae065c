# frozen_string_literal: true

# The scenarios of docs/protocol.md (section 10) for the Ruby runtime.
#
# Usage: ruby -I RUNTIME -I GENERATED_CALCULATOR -I GENERATED_SCENARIOS run_scenario.rb NAME.
# Environment: ZRPC_ENDPOINT, ZRPC_HEARTBEAT (default 1), ZRPC_CURVE_SERVER_KEY,
# ZRPC_CURVE_PUBLIC_KEY, ZRPC_CURVE_SECRET_KEY. Prints "ok NAME" or exits non-zero.

require 'calculator'
require 'scenarios'

ENDPOINT = ENV.fetch('ZRPC_ENDPOINT')
HEARTBEAT = Float(ENV.fetch('ZRPC_HEARTBEAT', '1'))
CURVE = %w[curve_server_key curve_public_key curve_secret_key].to_h do |key|
  [key.to_sym, ENV.fetch("ZRPC_#{key.upcase}", nil)]
end.compact

def check(condition, what)
  raise what unless condition
end

def client(namespace = Calculator, **options)
  namespace::CalculatorClient.new(ENDPOINT, heartbeat: HEARTBEAT, **CURVE, **options)
end

def now
  Process.clock_gettime(Process::CLOCK_MONOTONIC)
end

def raises(kind)
  started = now
  begin
    result = yield
    result.to_a if result.is_a?(Enumerator)
  rescue kind => e
    return [e, now - started]
  end
  raise "expected #{kind}"
end

SCENARIOS = {
  'unreachable' => lambda do
    error, took = raises(Zrpc::UnreachableError) { client(timeout: 2).add(1, 2) }
    check(took >= 1.5 && took < 3, "unreachable after #{took}s")
    check(error.message.include?(ENDPOINT) && error.message.include?('add'), error.message)
  end,
  'timeout' => lambda do
    c = client(timeout: 1)
    error, took = raises(Zrpc::TimeoutExpired) { c.sleep(5000) }
    check(took >= 0.9 && took < 2, "timed out after #{took}s")
    check(error.message.include?('sleep') && !error.message.include?('channel'), error.message)
    check(c.add(1, 2) == 3, 'usable after a timeout')
  end,
  'lost_remote' => lambda do
    error, took = raises(Zrpc::LostRemoteError) { client(timeout: 30).sleep(20_000) }
    check(took < 4 + (2 * HEARTBEAT) + 1.5, "lost after #{took}s")
    check(error.message.include?('sleep'), error.message)
  end,
  'remote_error_typed' => lambda do
    error, = raises(Calculator::DivisionByZero) { client.divide(1, 0) }
    check(error.is_a?(Zrpc::RemoteError) && (error.dividend - 1).abs < 1e-9, error.inspect)
  end,
  'remote_error_untyped' => lambda do
    error, = raises(Zrpc::RemoteError) { client(Scenarios).divide(1, 0) }
    check(error.instance_of?(Zrpc::RemoteError) && error.name == 'DivisionByZero', error.inspect)
  end,
  'unknown_method' => lambda do
    error, = raises(Zrpc::UnknownMethodError) { client(Scenarios).no_such_method }
    check(error.is_a?(Zrpc::RemoteError) && error.name == 'NameError', error.inspect)
  end,
  'wrong_result_type' => lambda do
    error, = raises(Zrpc::ProtocolError) { client(Scenarios).divide(1, 2) }
    check(error.message.include?('divide'), error.message)
  end,
  'call_after_close' => lambda do
    c = client
    check(c.add(1, 2) == 3, 'add')
    c.close
    c.close
    raises(Zrpc::ClientClosedError) { c.add(1, 2) }
  end,
  'optional_args_default' => lambda do
    c = client(Scenarios)
    check(c.method(:echo_bytes).parameters.include?(%i[opt data]), 'data is optional')
    error, = raises(Zrpc::RemoteError) { c.echo_bytes }
    check(error.name == 'TypeError' && error.remote_message.include?('data'), error.inspect)
  end,
  'per_call_timeout' => lambda do
    _, took = raises(Zrpc::TimeoutExpired) { client(timeout: 30).sleep(3000, timeout: 0.5) }
    check(took >= 0.4 && took < 1.5, "timed out after #{took}s")
  end,
  'stream' => -> { check(client.countdown(1000).to_a == 1000.downto(1).to_a, '1000 items in order') },
  'long_call' => -> { check(client(timeout: 10).sleep(3500) == 3500, 'long call') },
  'heartbeat_mismatch' => -> { check(client(timeout: 60).sleep(30_000) == 30_000, '30 s call') },
  'undecodable_reply' => -> { check(client(timeout: 5).add(1, 2) == 3, 'garbage dropped') },
  'malformed_reply' => lambda do
    error, = raises(Zrpc::ProtocolError) { client(timeout: 5).add(1, 2) }
    check(error.message.include?('add'), error.message)
  end,
  'curve_allowed' => -> { check(client(timeout: 5).add(1, 2) == 3, 'CURVE call') },
  'curve_refused' => lambda do
    _, took = raises(Zrpc::UnreachableError) { client(timeout: 2).add(1, 2) }
    check(took < 3, "refused after #{took}s")
  end
}.freeze

name = ARGV.fetch(0)
SCENARIOS.fetch(name.start_with?('curve_') && name != 'curve_allowed' ? 'curve_refused' : name).call
puts "ok #{name}"
