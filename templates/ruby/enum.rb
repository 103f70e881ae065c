{{ doc }}module {{ name }}
{%- for v in variants %}
{{ v.doc }}  {{ v.name }} = '{{ v.wire }}'
{%- endfor %}

  # Every variant, in declaration order.
  ALL = [{{ all }}].freeze

  # @param wire [String] a variant name
  # @return [String] the variant's constant
  # @raise [Zrpc::ProtocolError] for an unknown name
  def self.from_wire(wire)
    variant = ALL.find { |candidate| candidate == wire }
    return variant if variant

    raise Zrpc::ProtocolError, "unknown {{ name }} variant #{wire.inspect}"
  end
end
