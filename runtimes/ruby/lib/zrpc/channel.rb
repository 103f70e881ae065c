# frozen_string_literal: true

module Zrpc
  # One call's conversation: its id, heartbeat clocks (docs/protocol.md, section 4), stream
  # credit and received events.
  class Channel
    # Events the client lets the server send ahead of a stream's consumer.
    WINDOW = 100
    # Until two heartbeats from the server showed its interval: zerorpc's default.
    ASSUMED_PEER_HEARTBEAT = 5.0

    # @return [String] the channel id (the request's message_id)
    attr_reader :id
    # @return [String] the called method's name
    attr_reader :method_name
    # @return [Array<Array>] received [header, name, args] events not yet consumed
    attr_reader :inbox
    # @return [Integer] events the server may still send before it needs more credit
    attr_accessor :reserved
    # @return [Float, nil] the deadline of the first reply (nil once a stream started)
    attr_accessor :deadline
    # @return [Float] seconds the first reply may take
    attr_reader :timeout

    def initialize(id, method_name, heartbeat, timeout)
      @id = id
      @method_name = method_name
      @heartbeat = heartbeat
      @timeout = timeout
      @inbox = []
      @reserved = 1
      now = Zrpc.now
      @deadline = now + timeout
      @last_heard = now
      # The last heartbeat from the server; its interval is measured between two of them.
      @last_peer_beat = nil
      @peer_interval = nil
      @next_beat = heartbeat ? now + heartbeat : nil
    end

    # Records an event from the server; heartbeats also measure its interval.
    def heard(heartbeat)
      now = Zrpc.now
      @last_heard = now
      return unless heartbeat

      @peer_interval = [@peer_interval || 0.0, now - @last_peer_beat].max if @last_peer_beat
      @last_peer_beat = now
    end

    # @return [Float] silence after which the server is lost: 2 x max(own, observed interval)
    def loss_window
      peer = @peer_interval || ASSUMED_PEER_HEARTBEAT
      2 * (@heartbeat > peer ? @heartbeat : peer)
    end

    # @return [Float, nil] seconds of silence when the server is lost, else nil
    def silence_if_lost(now)
      return unless @heartbeat

      silence = now - @last_heard
      silence if silence > loss_window
    end

    # @return [Boolean] true when a heartbeat is due, and schedules the next one
    def beat_due?(now)
      return false unless @next_beat && now >= @next_beat

      @next_beat = now + @heartbeat
      true
    end

    # @return [Float] when the waiting call must act next: heartbeat, loss check or deadline
    def wake_at(now)
      wake = @deadline
      if @heartbeat
        wake = @next_beat if wake.nil? || @next_beat < wake
        lost = @last_heard + loss_window
        wake = lost if lost < wake
      end
      wake || (now + 1)
    end
  end
end
