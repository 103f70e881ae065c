{{ doc }}class {{ name }}{% if let Some(parent) = parent %} < {{ parent }}{% endif %}
{%- for f in fields %}
{{ f.doc }}  # @return [{{ f.yard }}]
  attr_reader :{{ f.name }}
{%- endfor %}
{%- if !fields.is_empty() %}
{% endif %}
{%- for f in fields %}
  # @param {{ f.name }} [{{ f.yard }}]
{%- endfor %}
{%- if parent.is_some() %}
  # @param message [String] the remote message
  # @param traceback [String, nil] the remote traceback
{%- endif %}
  def initialize({{ params }})
{%- if parent.is_some() %}
    super('{{ wire_name }}', message, traceback)
{%- endif %}
{%- for f in fields %}
    @{{ f.name }} = {{ f.name }}
{%- endfor %}
  end
{%- if !fields.is_empty() %}

  # Each field's keyword, wire name, decoder and encoder (nil: the value as it is), and what it
  # reads as when absent or nil on the wire (see Zrpc::Wire.decode_fields).
  WIRE_FIELDS = [
{%- for f in fields %}
    [:{{ f.name }}, {{ f.wire }}, {{ f.decoder }}, {{ f.encoder }}, {{ f.absent }}]{% if !loop.last %},{% endif %}
{%- endfor %}
  ].freeze
{%- endif %}
{%- if parent.is_some() %}

  # Wire names of the fields in declaration order.
  FIELDS = %w[{{ field_names }}].freeze

  # Builds the error from an ERR event, whose `zrpc_error` header key carries the fields
  # (a map, or an array in declaration order).
  # @param wire [Hash{String => Object}, Array]
  # @param message [String]
  # @param traceback [String, nil]
  # @return [{{ name }}]
{%- if fields.is_empty() %}
  def self.from_wire(_wire, message = '{{ wire_name }}', traceback = nil)
    new(message: message, traceback: traceback)
  end
{%- else %}
  def self.from_wire(wire, message = '{{ wire_name }}', traceback = nil)
    wire = FIELDS.zip(wire).to_h if wire.is_a?(Array)
    new(**Zrpc::Wire.decode_fields(wire, WIRE_FIELDS), message: message, traceback: traceback)
  end
{%- endif %}
{%- else %}

  # Builds a {{ name }} from its wire form, a Hash keyed by field name.
  # @param wire [Hash{String => Object}]
  # @return [{{ name }}]
  def self.from_wire(wire)
    new(**Zrpc::Wire.decode_fields(wire, WIRE_FIELDS))
  end
{%- endif %}

  # @return [Hash{Symbol => Object}] the fields by name
  def to_h
{%- if fields.is_empty() %}
    {}
{%- else %}
    {
{%- for f in fields %}
      {{ f.name }}: @{{ f.name }}{% if !loop.last %},{% endif %}
{%- endfor %}
    }
{%- endif %}
  end

  # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
  def to_wire
{%- if fields.is_empty() %}
    {}
{%- else %}
    Zrpc::Wire.encode_fields(self, WIRE_FIELDS)
{%- endif %}
  end

  def ==(other)
    other.is_a?(self.class) && other.to_h == to_h
  end
  alias eql? ==

  def hash
    [self.class, to_h].hash
  end
end
