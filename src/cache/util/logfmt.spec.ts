import { logfmt } from './logfmt';

describe('logfmt', () => {
  it('writes the event, then key=value pairs, quoting values with spaces or quotes', () => {
    expect(logfmt('redis.lost', { redis: 'redis://127.0.0.1:6379/', reason: 'connect ECONNREFUSED', down_ms: 12 })).toBe(
      'redis.lost redis=redis://127.0.0.1:6379/ reason="connect ECONNREFUSED" down_ms=12',
    );
    expect(logfmt('e', { said: 'a "quoted" word' })).toBe('e said="a \\"quoted\\" word"');
  });

  it('leaves undefined fields out and quotes an empty value', () => {
    expect(logfmt('redis.connected', { reason: undefined, empty: '' })).toBe('redis.connected empty=""');
  });
});
