# frozen_string_literal: true

# The generated Ruby telemetry package (zrpc gen --lang ruby examples/telemetry) as an event
# peer for tests/tests/events_generated.rs; the load path holds the package and the zrpc runtime.
#
# ruby generated_events.rb MODE ENDPOINT [N]
#   subscriber ENDPOINT N  connects a TelemetrySubscriber, runs it with a handler printing each
#                          event as a JSON line {"event": NAME, "args": [...]}, stops after N;
#   puller ENDPOINT N      binds a TelemetryPuller, prints "ready", then prints N events read
#                          with each (Enumerable);
#   failing-puller ENDPOINT N
#                          binds a TelemetryPuller, prints "ready", runs it with a handler that
#                          prints readings and raises on every offline event, stops after N
#                          readings;
#   publisher ENDPOINT     connects a TelemetryPublisher, publishes reading("kitchen", i) every
#                          10 ms for at most 20 s;
#   pusher ENDPOINT N      connects a TelemetryPusher, pushes reading("kitchen", i) for i < N,
#                          then offline("kitchen", "done"), and closes 1 s later.
# ZRPC_CURVE_SERVER_KEY, ZRPC_CURVE_PUBLIC_KEY and ZRPC_CURVE_SECRET_KEY, when set, are passed to
# every constructor as curve_server_key, curve_public_key and curve_secret_key.

require 'json'
require 'telemetry'

CURVE = {
  curve_server_key: ENV.fetch('ZRPC_CURVE_SERVER_KEY', nil),
  curve_public_key: ENV.fetch('ZRPC_CURVE_PUBLIC_KEY', nil),
  curve_secret_key: ENV.fetch('ZRPC_CURVE_SECRET_KEY', nil)
}.freeze

def show(name, args)
  puts JSON.generate({ event: name, args: args })
  $stdout.flush
end

# A handler that stops its receiver after `wanted` events; with `fail_offline`, it raises on
# offline events instead of counting them.
class Printer
  attr_writer :receiver

  def initialize(wanted, fail_offline: false)
    @wanted = wanted
    @fail_offline = fail_offline
  end

  def reading(sensor, value)
    seen('reading', [sensor, value])
  end

  def offline(sensor, reason)
    raise "boom: #{reason}" if @fail_offline

    seen('offline', [sensor, reason])
  end

  private

  def seen(name, args)
    show(name, args)
    @wanted -= 1
    @receiver.stop if @wanted <= 0
  end
end

mode, endpoint, count = ARGV
count = count.to_i
case mode
when 'subscriber'
  printer = Printer.new(count)
  subscriber = Telemetry::TelemetrySubscriber.new(endpoint, printer, **CURVE)
  printer.receiver = subscriber
  subscriber.run
  subscriber.close
when 'puller'
  puller = Telemetry::TelemetryPuller.new(endpoint, bind: true, **CURVE)
  puts 'ready'
  $stdout.flush
  puller.first(count).each do |event|
    show(event.is_a?(Telemetry::TelemetryReading) ? 'reading' : 'offline', event.to_a)
  end
  puller.close
when 'failing-puller'
  printer = Printer.new(count, fail_offline: true)
  puller = Telemetry::TelemetryPuller.new(endpoint, printer, bind: true, **CURVE)
  printer.receiver = puller
  puts 'ready'
  $stdout.flush
  puller.run
  puller.close
when 'publisher'
  publisher = Telemetry::TelemetryPublisher.new(endpoint, **CURVE)
  2000.times do |i|
    publisher.reading('kitchen', i.to_f)
    sleep 0.01
  end
when 'pusher'
  pusher = Telemetry::TelemetryPusher.new(endpoint, **CURVE)
  count.times { |i| pusher.reading('kitchen', i.to_f) }
  pusher.offline('kitchen', 'done')
  # close flushes for only half a second, too short for a CURVE handshake on a loaded machine.
  sleep 1
  pusher.close
else
  abort "unknown mode #{mode}"
end
