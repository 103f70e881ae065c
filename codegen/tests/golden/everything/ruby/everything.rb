# frozen_string_literal: true

# Loads the client generated from everything.zrpc.
require_relative 'users'
