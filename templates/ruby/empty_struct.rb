{{ doc }}class {{ name }}
  # Builds a {{ name }} from its wire form, a Hash with no fields to read.
  # @return [{{ name }}]
  def self.from_wire(_wire)
    new
  end

  # @return [Hash{Symbol => Object}] no fields
  def to_h
    {}
  end

  # @return [Hash{String => Object}] the wire form, an empty map
  def to_wire
    {}
  end

  def ==(other)
    other.is_a?(self.class)
  end
  alias eql? ==

  def hash
    self.class.hash
  end
end
