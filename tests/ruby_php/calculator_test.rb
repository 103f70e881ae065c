# frozen_string_literal: true

# Live test of the generated Ruby client against a running calculator server.
# Usage: ruby -I GENERATED_DIR calculator_test.rb   (env ZRPC_ENDPOINT, ZRPC_DOWN_ENDPOINT;
# the server must run with a heartbeat of 1 s)

require 'minitest/autorun'
require 'calculator'

# Every calculator method and type, errors, streams, heartbeats and failures over real sockets.
class CalculatorClientTest < Minitest::Test # rubocop:disable Metrics/ClassLength
  ENDPOINT = ENV.fetch('ZRPC_ENDPOINT')
  DOWN_ENDPOINT = ENV.fetch('ZRPC_DOWN_ENDPOINT')

  def setup
    @client = Calculator::CalculatorClient.new(ENDPOINT, timeout: 10, heartbeat: 1)
  end

  def teardown
    @client.close
  end

  def elapsed
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    yield
    Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
  end

  def test_add
    assert_equal 3, @client.add(1, 2)
    assert_equal(-5_000_000_000, @client.add(-2_500_000_000, -2_500_000_000))
  end

  def test_divide
    assert_in_delta 2.5, @client.divide(5, 2)
  end

  def test_division_by_zero_raises_the_typed_error_with_its_field
    error = assert_raises(Calculator::DivisionByZero) { @client.divide(7.5, 0) }
    assert_in_delta 7.5, error.dividend
    assert_equal 'DivisionByZero', error.name
    assert_kind_of Zrpc::RemoteError, error
  end

  def test_countdown_enumerator_and_block
    assert_equal [5, 4, 3, 2, 1], @client.countdown(5).to_a
    seen = []
    @client.countdown(3) { |item| seen << item }
    assert_equal [3, 2, 1], seen
    assert_equal [], @client.countdown(0).to_a
  end

  def test_countdown_of_ten_thousand_items
    items = @client.countdown(10_000).to_a
    assert_equal 10_000, items.size
    assert_equal (1..10_000).to_a.reverse, items
  end

  def test_stream_abandoned_early_leaves_the_client_usable
    assert_equal [1000, 999], @client.countdown(1000).first(2)
    assert_equal 4, @client.add(2, 2)
  end

  def test_translate_with_optional_absent_and_default_tags
    moved = @client.translate(Calculator::Point.new(x: 1, y: 2), 0.5, -1)
    assert_equal Calculator::Point.new(x: 1.5, y: 1.0, label: nil, tags: []), moved
  end

  def test_translate_with_optional_present_and_tags
    point = Calculator::Point.new(x: -1.25, y: 0, label: 'héllo', tags: %w[a b])
    moved = @client.translate(point, 1, 1)
    assert_equal({ x: -0.25, y: 1.0, label: 'héllo', tags: %w[a b] }, moved.to_h)
  end

  def test_classify_every_union_variant
    values = [
      Calculator::Value::Int.new(1),
      Calculator::Value::Int.new(-2),
      Calculator::Value::Text.new('three'),
      Calculator::Value::Point.new(Calculator::Point.new(x: 4, y: 4, label: 'four'))
    ]
    counts = @client.classify(values)
    assert_equal({ 'int' => 2, 'text' => 1, 'point' => 1 }, counts.reject { |_, count| count.zero? })
  end

  def test_classify_empty_list_gives_an_empty_map
    assert_equal({}, @client.classify([]).reject { |_, count| count.zero? })
  end

  def test_union_wire_forms
    point = Calculator::Point.new(x: 1, y: 2)
    expected = { 'point' => { 'x' => 1.0, 'y' => 2.0, 'label' => nil, 'tags' => [] } }
    assert_equal expected, Calculator::Value::Point.new(point).to_wire
    assert_equal Calculator::Value::Text.new('t'), Calculator::Value.from_wire({ 'text' => 't' })
    assert_raises(Zrpc::ProtocolError) { Calculator::Value.from_wire({ 'nope' => 1 }) }
  end

  def test_echo_bytes_keeps_non_utf8_content
    data = "\x00\xff\xfe\x80zrpc".b
    echoed = @client.echo_bytes(data)
    assert_equal data, echoed
    assert_equal Encoding::BINARY, echoed.encoding
    assert_equal ''.b, @client.echo_bytes('')
  end

  def test_shapes
    assert_equal [Calculator::Shape::CIRCLE, Calculator::Shape::SQUARE, Calculator::Shape::TRIANGLE], @client.shapes
    assert_raises(Zrpc::ProtocolError) { Calculator::Shape.from_wire('Hexagon') }
  end

  def test_oneway_log_returns_at_once
    assert_nil @client.log('from ruby')
    assert_equal 2, @client.add(1, 1)
  end

  def test_call_outliving_three_heartbeat_intervals
    result = nil
    took = elapsed { result = @client.sleep(3500) }
    assert_equal 3500, result
    assert_operator took, :>=, 3.4
  end

  def test_timeout
    client = Calculator::CalculatorClient.new(ENDPOINT, timeout: 0.5, heartbeat: 1)
    error = nil
    took = elapsed { error = assert_raises(Zrpc::TimeoutExpired) { client.sleep(3000) } }
    assert_match(/within 0.5s/, error.message)
    assert_operator took, :<, 2
    assert_equal 5, client.add(2, 3)
  ensure
    client&.close
  end

  def test_server_down_fails_clearly_without_hanging
    client = Calculator::CalculatorClient.new(DOWN_ENDPOINT, timeout: 2, heartbeat: 0.5)
    error = nil
    took = elapsed { error = assert_raises(Zrpc::UnreachableError) { client.add(1, 2) } }
    assert_match(/is the server running/, error.message)
    assert_operator took, :<, 3
  ensure
    client&.close
  end

  def test_unknown_method
    connection = Zrpc::Connection.new(ENDPOINT, timeout: 5, heartbeat: 1)
    error = assert_raises(Zrpc::UnknownMethodError) { connection.call('no_such_method', []) }
    assert_match(/no_such_method/, error.message)
  ensure
    connection&.close
  end
end
