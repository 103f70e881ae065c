{%- for e in events %}
{{ e.class_doc }}{{ e.class }} = {% if e.members.is_empty() %}Class.new{% else %}Struct.new({{ e.members }}){% endif %} do
  # Calls the handler's `{{ e.method }}`.
  def dispatch(handler)
    handler.{{ e.method }}{% if !e.params.is_empty() %}(*to_a){% endif %}
  end
end
{% endfor %}
# Typed decoding of the `{{ wire }}` events.
module {{ class }}Events
{%- for e in events %}
{%- if e.arity > 0 %}
  # Decoders of the `{{ e.wire }}` arguments, in order (nil: taken as it is).
  {{ e.decoders_const }} = [
    {{ e.decoders }}
  ].freeze
{% endif %}
  # @return [{{ e.class }}]
  def self.{{ e.method }}({% if e.arity == 0 %}_args{% else %}args{% endif %})
    {% if e.arity == 0 %}{{ e.class }}.new{% else %}{{ e.class }}.new(*Zrpc::Wire.decode_args(args, {{ e.decoders_const }})){% endif %}
  end
{% endfor %}
  # Argument count and decoder of each event, by wire name.
  DECODERS = {
{%- for e in events %}
    '{{ e.wire }}' => [{{ e.arity }}, method(:{{ e.method }})]{% if !loop.last %},{% endif %}
{%- endfor %}
  }.freeze

  # @return [Struct] the typed event, one of the Structs above
  # @raise [Zrpc::ProtocolError] when the event does not match the IDL
  def self.decode(name, args)
    arity, decoder = DECODERS[name]
    raise Zrpc::ProtocolError, "the {{ wire }} service has no event #{name.inspect}" unless decoder
    raise Zrpc::ProtocolError, "expected #{arity} argument(s), got #{args.size}" unless args.size == arity

    decoder.call(args)
  end
end
{%- for (kind, verb, whom) in [("Publisher", "publish", "to every subscriber (PUB)"), ("Pusher", "push", "each to one puller (PUSH)")] %}

# Sends `{{ wire }}` events {{ whom }}; connects, or binds with `bind: true`.
class {{ class }}{{ kind }}
  # @param endpoint [String] a ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4243"
  # @param curve_server_key [String, nil] the peer's CURVE public key (Z85): this side is the CURVE client
  # @param curve_public_key [String, nil] this side's CURVE public key (Z85)
  # @param curve_secret_key [String, nil] this side's CURVE secret key (Z85); alone: the CURVE server
  def initialize(endpoint, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil)
    @socket = Zrpc::{{ kind }}.new(endpoint, bind: bind, curve_server_key: curve_server_key, curve_public_key: curve_public_key, curve_secret_key: curve_secret_key)
  end

  # Closes the socket, flushing queued events for at most half a second.
  def close
    @socket.close
  end
{%- for e in events %}

{{ e.doc }}  def {{ e.method }}{% if !e.params.is_empty() %}({{ e.params }}){% endif %}
{{ e.prelude }}    @socket.{{ verb }}({{ e.send_args }})
  end
{%- endfor %}
end
{%- endfor %}
{%- for (kind, share) in [("Subscriber", "all of them, SUB"), ("Puller", "a share of them, PULL")] %}

# Receives `{{ wire }}` events ({{ share }}); connects, or binds with `bind: true`. `run` calls
# the handler's method for each event until `stop`; `each` yields typed events instead. An
# event that does not match the IDL is dropped with a rate-limited line on stderr; so is an
# error raised by the handler, and `run` goes on.
class {{ class }}{{ kind }}
  include Enumerable

  # @param handler [Object, nil] responds to one method per event
  def initialize(endpoint, handler = nil, bind: false, curve_server_key: nil, curve_public_key: nil, curve_secret_key: nil)
    @handler = handler
    @socket = Zrpc::{{ kind }}.new(endpoint, bind: bind, curve_server_key: curve_server_key, curve_public_key: curve_public_key, curve_secret_key: curve_secret_key, &{{ class }}Events.method(:decode))
  end

  # Dispatches each event to the handler until #stop (blocking); an error the handler raises is
  # logged (rate-limited) and the loop goes on.
  def run
    raise ArgumentError, 'run needs the handler given to new' unless @handler

    @socket.run { |event| event.dispatch(@handler) }
  end

  # Ends #run and #each within 0.1 s; safe from another thread.
  def stop
    @socket.stop
  end

  # @return [Struct, nil] the next event (a Struct of {{ class }}Events.decode); nil after `timeout`
  #   seconds or once stopped
  def receive(timeout = nil)
    @socket.receive(timeout)
  end

  # Yields each typed event until #stop.
  def each(&block)
    @socket.each(&block)
  end

  # Stops and closes the socket.
  def close
    @socket.close
  end
end
{%- endfor %}
