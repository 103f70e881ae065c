# frozen_string_literal: true

module Users
  # Every field type, default and escaped name.
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

    # Builds a User from its wire form, a Hash keyed by field name.
    # @param wire [Hash{String => Object}]
    # @return [User]
    def self.from_wire(wire)
      role = wire['role']&.then { |item| Role.from_wire(item) }
      role ||= Role::MEMBER
      type = wire['type']&.then { |item| Zrpc::Wire.string(item) }
      match = wire['match']&.then { |item| Zrpc::Wire.boolean(item) }
      match = false if match.nil?
      self_ = wire['self']&.then { |item| Zrpc::Wire.integer(item) }
      self_ ||= 7
      user_name = wire['userName']&.then { |item| Zrpc::Wire.string(item) }
      user_name ||= 'anonymous'
      score = wire['score']&.then { |item| Zrpc::Wire.float(item) }
      score ||= 1.5
      limit = wire['limit']&.then { |item| Zrpc::Wire.integer(item) }
      limit ||= 50
      big = wire['big']&.then { |item| Zrpc::Wire.integer(item) }
      big ||= 18_446_744_073_709_551_615
      small = wire['small']&.then { |item| Zrpc::Wire.integer(item) }
      small ||= -3
      avatar = wire['avatar']&.then { |item| Zrpc::Wire.bytes(item) }
      blob = wire['blob']&.then { |item| Zrpc::Wire.bytes(item) }
      blob ||= 'raw'.b
      tags = wire['tags']&.map { |item| Zrpc::Wire.string(item) }
      tags ||= %w[new shiny]
      counts = wire['counts']&.transform_values { |item| Zrpc::Wire.integer(item) }
      counts ||= { 'a' => 1 }
      by_role = wire['by_role']&.transform_values { |item| item.map { |item2| Zrpc::Wire.integer(item2) } }
      by_role ||= {}
      friends = wire['friends']&.map { |item| User.from_wire(item) }
      friends ||= []
      new(
        id: Zrpc::Wire.integer(wire.fetch('id')),
        name: Zrpc::Wire.string(wire.fetch('name')),
        role: role,
        type: type,
        match: match,
        self_: self_,
        user_name: user_name,
        score: score,
        limit: limit,
        big: big,
        small: small,
        avatar: avatar,
        blob: blob,
        extra: wire['extra'],
        tags: tags,
        counts: counts,
        by_role: by_role,
        friends: friends
      )
    end

    # @return [Hash{Symbol => Object}] the fields by name
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

    # @return [Hash{String => Object}] the wire form (absent optional fields as nil)
    def to_wire
      {
        'id' => @id,
        'name' => @name,
        'role' => @role,
        'type' => @type,
        'match' => @match,
        'self' => @self_,
        'userName' => @user_name,
        'score' => Float(@score),
        'limit' => @limit,
        'big' => @big,
        'small' => @small,
        'avatar' => @avatar&.then(&:b),
        'blob' => @blob.b,
        'extra' => @extra,
        'tags' => @tags,
        'counts' => @counts,
        'by_role' => @by_role,
        'friends' => @friends.map(&:to_wire)
      }
    end

    def ==(other)
      other.is_a?(self.class) && other.to_h == to_h
    end
    alias eql? ==

    def hash
      [self.class, to_h].hash
    end
  end
end
