{{ doc }}class {{ name }}
  # Declared errors the server may raise, by wire name.
  ERRORS = {{ errors }}.freeze

  # @param endpoint [String] the server's ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
  # @param timeout [Numeric] seconds to wait for the first reply of a call
  # @param heartbeat [Numeric, nil] heartbeat interval in seconds, the server's (nil: none)
  def initialize(endpoint, timeout: 30, heartbeat: 5)
    @connection = Protocol::Connection.new(endpoint, timeout: timeout, heartbeat: heartbeat, errors: ERRORS)
  end

  # Closes the socket; the client cannot be used afterwards.
  def close
    @connection.close
  end
{%- for m in methods %}

{{ m.doc }}  def {{ m.name }}{% if !m.params.is_empty() %}({{ m.params }}){% endif %}
{{ m.body }}
  end
{%- endfor %}
end
