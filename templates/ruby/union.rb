{{ doc }}module {{ name }}
{%- for v in variants %}
{{ v.doc }}  class {{ v.name }}
    # @return [{{ v.yard }}]
    attr_reader :value

    # @param value [{{ v.yard }}]
    def initialize(value)
      @value = value
    end

    # @param wire [Object] the variant's value in wire form
    # @return [{{ v.name }}]
    def self.from_wire(wire)
{{ v.from_prelude }}      new({{ v.from_wire }})
    end

    # @return [Hash{String => Object}] the wire form, a one-entry map
    def to_wire
{{ v.to_prelude }}      { '{{ v.wire }}' => {{ v.to_wire }} }
    end

    def ==(other)
      other.is_a?(self.class) && other.value == value
    end
    alias eql? ==

    def hash
      [self.class, value].hash
    end
  end
{% endfor %}
  # Variant classes by wire name.
  VARIANTS = {
{%- for v in variants %}
    '{{ v.wire }}' => {{ v.name }}{% if !loop.last %},{% endif %}
{%- endfor %}
  }.freeze

  # Builds the variant named by the only key of the wire form.
  # @param wire [Hash{String => Object}]
  # @return [{{ all }}]
  # @raise [Zrpc::ProtocolError] for anything but a one-entry map naming a variant
  def self.from_wire(wire)
    unless wire.is_a?(Hash) && wire.size == 1
      raise Zrpc::ProtocolError, "{{ name }} expects a one-entry map, got #{wire.inspect}"
    end

    name, value = wire.first
    variant = VARIANTS.fetch(name) { raise Zrpc::ProtocolError, "unknown {{ name }} variant #{name.inspect}" }
    variant.from_wire(value)
  end
end
