{{ doc }}class {{ name }}
  # Declared errors the server may raise, by wire name.
  ERRORS = {{ errors }}.freeze

  # @param endpoint [String] the server's ZeroMQ endpoint, e.g. "tcp://127.0.0.1:4242"
  # @param timeout [Numeric] seconds to wait for the first reply of a call (each method also
  #   takes its own `timeout:`)
  # @param heartbeat [Numeric, nil] heartbeat interval in seconds (nil: none)
  # @param curve_server_key [String, nil] the server's CURVE public key (Z85)
  # @param curve_public_key [String, nil] this client's CURVE public key (Z85)
  # @param curve_secret_key [String, nil] this client's CURVE secret key (Z85)
  # @raise [Zrpc::Error] every call raises a Zrpc::Error subclass (docs/protocol.md, section 7)
  def initialize(endpoint, timeout: 30, heartbeat: 5, curve_server_key: nil, curve_public_key: nil,
                 curve_secret_key: nil)
    @connection = Zrpc::Connection.new(
      endpoint,
      timeout: timeout, heartbeat: heartbeat, errors: ERRORS,
      curve_server_key: curve_server_key, curve_public_key: curve_public_key, curve_secret_key: curve_secret_key
    )
  end

  # @return [Zrpc::Connection] the underlying connection, for raw calls by method name
  attr_reader :connection

  # Closes the socket; later calls raise Zrpc::ClientClosedError.
  def close
    @connection.close
  end
{%- for m in methods %}

{{ m.doc }}  def {{ m.name }}{% if !m.params.is_empty() %}({{ m.params }}){% endif %}
{{ m.body }}
  end
{%- endfor %}
end
