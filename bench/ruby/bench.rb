# frozen_string_literal: true

# Sequential calls/s of the generated Ruby client (add(1, 2)) against a running calculator
# server, beside a raw ffi-rzmq DEALER ping-pong with hand-made frames against the same server.
# Usage: ruby -I GENERATED_DIR bench/ruby/bench.rb ENDPOINT [CALLS_PER_ROUND] [ROUNDS]

require 'calculator'
require 'ffi-rzmq'
require 'msgpack'

endpoint = ARGV.fetch(0)
calls = Integer(ARGV.fetch(1, '1000'))
rounds = Integer(ARGV.fetch(2, '31'))

def now
  Process.clock_gettime(Process::CLOCK_MONOTONIC)
end

def median(values)
  sorted = values.sort
  mid = sorted.size / 2
  sorted.size.odd? ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0
end

def check(result)
  raise ZMQ::Util.error_string unless ZMQ::Util.resultcode_ok?(result)
end

# The floor: one DEALER, the request bytes built by hand, the reply not decoded.
class RawPingPong
  HEAD = "\x93\x82\xaamessage_id\xc4\x20".b
  TAIL = "\xa1v\x03\xa3add\x92\x01\x02".b

  def initialize(endpoint)
    @context = ZMQ::Context.new
    @socket = @context.socket(ZMQ::DEALER)
    check(@socket.setsockopt(ZMQ::LINGER, 0))
    check(@socket.connect(endpoint))
    @prefix = format('%024x', rand(1 << 96))
  end

  def call(counter)
    check(@socket.send_strings(['', HEAD + format('%<p>s%<c>08x', p: @prefix, c: counter) + TAIL]))
    frames = []
    check(@socket.recv_strings(frames))
    frames.last
  end

  def close
    @socket.close
    @context.terminate
  end
end

client = Calculator::CalculatorClient.new(endpoint)
raw = RawPingPong.new(endpoint)
raise 'unexpected add result' unless client.add(1, 2) == 3 && raw.call(0).end_with?("\x91\x03".b)

# Short alternating rounds, the order flipped each round, so load changes on a shared machine
# hit both sides alike; the ratio is the median of the per-round ratios.
measure = lambda do |&call|
  started = now
  calls.times(&call)
  calls / (now - started)
end
generated_rates = []
raw_rates = []
counter = 0
rounds.times do |round|
  generated = -> { measure.call { client.add(1, 2) } }
  floor = -> { measure.call { raw.call(counter += 1) } }
  if round.even?
    generated_rates << generated.call
    raw_rates << floor.call
  else
    raw_rates << floor.call
    generated_rates << generated.call
  end
end
client.close
raw.close

ratios = generated_rates.zip(raw_rates).map { |g, r| g / r }
puts format('ruby  generated client  %<rate>8.0f calls/s (median of %<rounds>d rounds of %<calls>d calls)',
            rate: median(generated_rates), rounds: rounds, calls: calls)
puts format('ruby  raw ffi-rzmq      %<rate>8.0f calls/s', rate: median(raw_rates))
puts format('ruby  ratio             %<ratio>8.2f (median of per-round ratios; target >= 0.70)', ratio: median(ratios))
