# frozen_string_literal: true

# The Ruby side of `polyglot-bench`: calls/s of `add(1, 1)` against one zrpc server, one call at
# a time, by the generated client and by a raw ffi-rzmq DEALER sending pre-encoded frames.
# Usage: ruby -I RUNTIME_LIB -I GENERATED_DIR bench/ruby/polyglot_worker.rb ENDPOINT
# Line protocol: prints `ready` after a warm-up; for each line `SECONDS FLIP` on stdin measures
# both setups for SECONDS in alternating slices (the raw one first when FLIP is 1) and prints
# `SETUP<TAB>CALLS_PER_S<TAB>CPU_US_PER_CALL` lines (CPU time of this process, libzmq's I/O
# thread included), then `end`. Exits at end of input.

require 'calculator'
require 'ffi-rzmq'

# The floor: request frames from fixed bytes and a counter, the reply not decoded.
class RawPingPong
  HEAD = "\x93\x82\xaamessage_id\xc4\x20".b
  TAIL = "\xa1v\x03\xa3add\x92\x01\x01".b
  REPLY_END = "\x91\x02".b

  def initialize(endpoint)
    @context = ZMQ::Context.new
    @socket = @context.socket(ZMQ::DEALER)
    check(@socket.setsockopt(ZMQ::LINGER, 0))
    check(@socket.connect(endpoint))
    @suffix = format('%024x', rand(1 << 96))
    @counter = 0
  end

  def call
    @counter = (@counter + 1) & 0xffffffff
    check(@socket.send_strings(['', HEAD + format('%08x', @counter) + @suffix + TAIL]))
    frames = []
    check(@socket.recv_strings(frames))
    raise 'the raw add(1, 1) reply went wrong' unless frames.last.end_with?(REPLY_END)
  end

  def close
    @socket.close
    @context.terminate
  end

  private

  def check(result)
    raise ZMQ::Util.error_string unless ZMQ::Util.resultcode_ok?(result)
  end
end

# Each measurement is cut into slices, the setups alternating slice by slice (ABBA), so a load
# change on a shared machine hits both alike.
SLICES = 5

# @return [Array(Integer, Float)] calls made and seconds taken, calling for about `seconds`
def rate(seconds)
  calls = 0
  started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  deadline = started + seconds
  loop do
    # Read the clock every 50 calls so timing costs little.
    50.times { yield }
    calls += 50
    now = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    return [calls, now - started] if now >= deadline
  end
end

endpoint = ARGV.fetch(0)
client = Calculator::CalculatorClient.new(endpoint)
raw = RawPingPong.new(endpoint)
setups = {
  'ruby raw ffi-rzmq' => ->(seconds) { rate(seconds) { raw.call } },
  'ruby client' => lambda do |seconds|
    rate(seconds) { raise 'add(1, 1) went wrong' unless client.add(1, 1) == 2 }
  end
}
setups.each_value { |measure| measure.call(0.05) }
$stdout.sync = true
puts 'ready'
$stdin.each_line do |line|
  seconds, flip = line.split
  totals = setups.transform_values { [0, 0.0, 0.0] }
  SLICES.times do |piece|
    order = setups.to_a
    order.reverse! if (piece + Integer(flip)).odd?
    order.each do |name, measure|
      cpu = Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID)
      calls, taken = measure.call(Float(seconds) / SLICES)
      totals[name][0] += calls
      totals[name][1] += taken
      totals[name][2] += Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID) - cpu
    end
  end
  totals.each do |name, (calls, taken, cpu)|
    puts format("%<name>s\t%<rate>.1f\t%<cpu>.2f", name: name, rate: calls / taken, cpu: cpu / calls * 1e6)
  end
  puts 'end'
end
client.close
raw.close
