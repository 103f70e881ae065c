# frozen_string_literal: true

# A calculator, used by the README, the examples and the cross-language tests.

require 'zrpc'
require_relative 'calculator/point'
require_relative 'calculator/shape'
require_relative 'calculator/value'
require_relative 'calculator/division_by_zero'
require_relative 'calculator/calculator_client'
require_relative 'calculator/calculator_events'
