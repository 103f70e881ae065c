# frozen_string_literal: true

# Exercises every construct of the IDL for the Rust generator.

require 'zrpc'
require_relative 'users/role'
require_relative 'users/user'
require_relative 'users/node'
require_relative 'users/shape'
require_relative 'users/point'
require_relative 'users/option'
require_relative 'users/not_found'
require_relative 'users/forbidden'
require_relative 'users/users_client'
require_relative 'users/users_events'

module Users
  # Constants declared in the IDL.
  module Constants
    # Page size when none is given.
    PAGE_SIZE = 50
    GREETING = 'hello'
    RATIO = 0.5
    ENABLED = true
  end
end
