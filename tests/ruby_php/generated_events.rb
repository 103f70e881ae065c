# frozen_string_literal: true

# The generated Ruby telemetry package (zrpc gen --lang ruby examples/telemetry) as an event
# peer for tests/tests/events_generated.rs; the load path holds the package and the zrpc runtime.
#
# ruby generated_events.rb MODE ENDPOINT [N]
#   subscriber ENDPOINT N  connects a TelemetrySubscriber, runs it with a handler printing each
#                          event as a JSON line {"event": NAME, "args": [...]}, stops after N;
#   puller ENDPOINT N      binds a TelemetryPuller, prints "ready", then prints N events read
#                          with each (Enumerable);
#   publisher ENDPOINT     connects a TelemetryPublisher, publishes reading("kitchen", i) every
#                          10 ms for at most 20 s;
#   pusher ENDPOINT N      connects a TelemetryPusher, pushes reading("kitchen", i) for i < N,
#                          then offline("kitchen", "done").

require 'json'
require 'telemetry'

def show(name, args)
  puts JSON.generate({ event: name, args: args })
  $stdout.flush
end

# A handler that stops its receiver after `wanted` events.
class Printer
  attr_writer :receiver

  def initialize(wanted)
    @wanted = wanted
  end

  def reading(sensor, value)
    seen('reading', [sensor, value])
  end

  def offline(sensor, reason)
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
  subscriber = Telemetry::TelemetrySubscriber.new(endpoint, printer)
  printer.receiver = subscriber
  subscriber.run
  subscriber.close
when 'puller'
  puller = Telemetry::TelemetryPuller.new(endpoint, bind: true)
  puts 'ready'
  $stdout.flush
  puller.first(count).each do |event|
    show(event.is_a?(Telemetry::TelemetryReading) ? 'reading' : 'offline', event.to_a)
  end
  puller.close
when 'publisher'
  publisher = Telemetry::TelemetryPublisher.new(endpoint)
  2000.times do |i|
    publisher.reading('kitchen', i.to_f)
    sleep 0.01
  end
when 'pusher'
  pusher = Telemetry::TelemetryPusher.new(endpoint)
  count.times { |i| pusher.reading('kitchen', i.to_f) }
  pusher.offline('kitchen', 'done')
  pusher.close
else
  abort "unknown mode #{mode}"
end
