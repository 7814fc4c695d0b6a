import { Logger } from '@nestjs/common';
import { RedisConnectionState, RedisStoreEvent } from './redis-connection-state';

describe('RedisConnectionState', () => {
  let lines: string[];
  let spies: jest.SpyInstance[];
  let events: RedisStoreEvent[];
  let state: RedisConnectionState;

  beforeEach(() => {
    lines = [];
    spies = (['log', 'warn'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void lines.push(`${level} ${String(args[0])}`)),
    );
    events = [];
    state = new RedisConnectionState('redis://127.0.0.1:6379/', { failureThreshold: 5, openMs: 5_000 });
    state.onEvent((event) => events.push(event));
  });
  afterEach(() => spies.forEach((spy) => spy.mockRestore()));

  it('logs one line per change through an outage: connected, lost, recovered', () => {
    state.ready();
    state.errored(new Error('read ECONNRESET'));
    state.closed();
    // ioredis retries: every attempt errors and closes again, none of them is a new change.
    for (let i = 0; i < 20; i++) {
      state.errored(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
      state.closed();
    }
    state.ready();

    expect(lines).toEqual([
      'log redis.connected redis=redis://127.0.0.1:6379/',
      'warn redis.lost redis=redis://127.0.0.1:6379/ reason="read ECONNRESET" impact="serving from memory while reconnecting"',
      expect.stringMatching(/^log redis\.recovered redis=redis:\/\/127\.0\.0\.1:6379\/ via=reconnect down_ms=\d+$/),
    ]);
    expect(events).toEqual(['ready', 'lost', 'ready']);
  });

  it('logs the circuit opening once, and its closing as a recovery', () => {
    state.ready();
    state.errored(new Error('Command timed out'));
    state.circuitChanged('open', 'closed');
    state.circuitChanged('half-open', 'open');
    state.circuitChanged('open', 'half-open'); // the probe failed: still the same outage
    state.circuitChanged('half-open', 'open');
    state.circuitChanged('closed', 'half-open');

    expect(lines.slice(1)).toEqual([
      'warn redis.circuit_open redis=redis://127.0.0.1:6379/ failures=5 retry_in_ms=5000 reason="Command timed out" impact="skipping Redis: reads are misses, writes are replayed later"',
      expect.stringMatching(/^log redis\.recovered redis=\S+ via=circuit down_ms=\d+$/),
    ]);
    expect(events).toEqual(['ready', 'circuit-open', 'circuit-closed']);
  });

  it('says when Redis is not there at boot, then that it connected', () => {
    state.errored(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    state.unavailableAtBoot();
    state.closed(); // never connected: not a loss
    state.ready();
    expect(lines).toEqual([
      'warn redis.unavailable redis=redis://127.0.0.1:6379/ reason="connect ECONNREFUSED 127.0.0.1:6379" impact="serving from memory, reconnecting in the background"',
      'log redis.connected redis=redis://127.0.0.1:6379/',
    ]);
  });

  it('a close we asked for is not an outage', () => {
    state.ready();
    state.closingOnPurpose();
    state.closed();
    expect(lines).toEqual(['log redis.connected redis=redis://127.0.0.1:6379/']);
    expect(events).toEqual(['ready']);
  });
});
