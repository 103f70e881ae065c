# frozen_string_literal: true

module Users
  # Every field type, default and escaped name.
  # rubocop:disable Metrics/ClassLength
  class User
    # The key.
    # @return [Integer]
    attr_reader :id
    # @return [String]
    attr_reader :name
    # @return [String]
    attr_reader :role
    # Keyword names are escaped in Rust, kept on the wire.
    # @return [String, nil]
    attr_reader :type
    # @return [Boolean]
    attr_reader :match
    # @return [Integer]
    attr_reader :self_
    # @return [String]
    attr_reader :user_name
    # @return [Float]
    attr_reader :score
    # @return [Integer]
    attr_reader :limit
    # @return [Integer]
    attr_reader :big
    # @return [Integer]
    attr_reader :small
    # @return [String, nil]
    attr_reader :avatar
    # @return [String]
    attr_reader :blob
    # @return [Object, nil]
    attr_reader :extra
    # @return [Array<String>]
    attr_reader :tags
    # @return [Hash{String => Integer}]
    attr_reader :counts
    # @return [Hash{String => Array<Integer>}]
    attr_reader :by_role
    # @return [Array<User>]
    attr_reader :friends

    # @param id [Integer]
    # @param name [String]
    # @param role [String]
    # @param type [String, nil]
    # @param match [Boolean]
    # @param self_ [Integer]
    # @param user_name [String]
    # @param score [Float]
    # @param limit [Integer]
    # @param big [Integer]
    # @param small [Integer]
    # @param avatar [String, nil]
    # @param blob [String]
    # @param extra [Object, nil]
    # @param tags [Array<String>]
    # @param counts [Hash{String => Integer}]
    # @param by_role [Hash{String => Array<Integer>}]
    # @param friends [Array<User>]
    # rubocop:disable Metrics/MethodLength, Metrics/AbcSize, Metrics/ParameterLists
    def initialize(
      id:,
      name:,
      role: Role::MEMBER,
      type: nil,
      match: false,
      self_: 7,
      user_name: 'anonymous',
      score: 1.5,
      limit: 50,
      big: 18_446_744_073_709_551_615,
      small: -3,
      avatar: nil,
      blob: 'raw'.b,
      extra: nil,
      tags: %w[new shiny],
      counts: { 'a' => 1 },
      by_role: {},
      friends: []
    )
      @id = id
      @name = name
      @role = role
      @type = type
      @match = match
      @self_ = self_
      @user_name = user_name
      @score = score
      @limit = limit
      @big = big
      @small = small
      @avatar = avatar
      @blob = blob
      @extra = extra
      @tags = tags
      @counts = counts
      @by_role = by_role
      @friends = friends
    end
    # rubocop:enable Metrics/MethodLength, Metrics/AbcSize, Metrics/ParameterLists

    # Each field's keyword, wire name, decoder and encoder (nil: the value as it is), and what it
    # reads as when absent or nil on the wire (see Zrpc::Wire.decode_fields).
    WIRE_FIELDS = [
      [:id, 'id', ->(value) { Zrpc::Wire.integer(value) }, nil, :required],
      [:name, 'name', ->(value) { Zrpc::Wire.string(value) }, nil, :required],
      [:role, 'role', ->(value) { Role.from_wire(value) }, nil, :default],
      [:type, 'type', ->(value) { Zrpc::Wire.string(value) }, nil, nil],
      [:match, 'match', ->(value) { Zrpc::Wire.boolean(value) }, nil, :default],
      [:self_, 'self', ->(value) { Zrpc::Wire.integer(value) }, nil, :default],
      [:user_name, 'userName', ->(value) { Zrpc::Wire.string(value) }, nil, :default],
      [:score, 'score', ->(value) { Zrpc::Wire.float(value) }, ->(value) { Float(value) }, :default],
      [:limit, 'limit', ->(value) { Zrpc::Wire.integer(value) }, nil, :default],
      [:big, 'big', ->(value) { Zrpc::Wire.integer(value) }, nil, :default],
      [:small, 'small', ->(value) { Zrpc::Wire.integer(value) }, nil, :default],
      [:avatar, 'avatar', ->(value) { Zrpc::Wire.bytes(value) }, ->(value) { value&.then(&:b) }, nil],
      [:blob, 'blob', ->(value) { Zrpc::Wire.bytes(value) }, ->(value) { value.b }, :default],
      [:extra, 'extra', nil, nil, nil],
      [:tags, 'tags', ->(value) { value.map { |item| Zrpc::Wire.string(item) } }, nil, :default],
      [:counts, 'counts', ->(value) { value.transform_values { |item| Zrpc::Wire.integer(item) } }, nil, :default],
      [
        :by_role,
        'by_role',
        ->(value) { value.transform_values { |item| item.map { |item2| Zrpc::Wire.integer(item2) } } },
        nil,
        :default
      ],
      [
        :friends,
        'friends',
        ->(value) { value.map { |item| User.from_wire(item) } },
        ->(value) { value.map(&:to_wire) },
        :default
      ]
    ].freeze

    # Builds a User from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [User]
    def self.from_wire(wire)
      new(**Zrpc::Wire.decode_fields(wire, WIRE_FIELDS))
    end

    # @return [Hash{Symbol => Object}] the fields by name
    # rubocop:disable Metrics/MethodLength
    def to_h
      {
        id: @id,
        name: @name,
        role: @role,
        type: @type,
        match: @match,
        self_: @self_,
        user_name: @user_name,
        score: @score,
        limit: @limit,
        big: @big,
        small: @small,
        avatar: @avatar,
        blob: @blob,
        extra: @extra,
        tags: @tags,
        counts: @counts,
        by_role: @by_role,
        friends: @friends
      }
    end
    # rubocop:enable Metrics/MethodLength

    # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
    def to_wire
      Zrpc::Wire.encode_fields(self, WIRE_FIELDS)
    end

    def ==(other)
      other.is_a?(self.class) && other.to_h == to_h
    end
    alias eql? ==

    def hash
      [self.class, to_h].hash
    end
  end
  # rubocop:enable Metrics/ClassLength
end
