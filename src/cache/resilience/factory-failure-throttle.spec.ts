import { FactoryFailureThrottle, FactoryFailureThrottleOptions } from './factory-failure-throttle';

describe('FactoryFailureThrottle', () => {
  let t: number;

  function makeThrottle(options: Partial<FactoryFailureThrottleOptions> = {}): FactoryFailureThrottle {
    return new FactoryFailureThrottle({ throttleMs: 1_000, maxKeys: 100, now: () => t, ...options });
  }

  beforeEach(() => {
    t = 10_000;
  });

  it('a key is not throttled before its factory failed', () => {
    expect(makeThrottle().isThrottled('a')).toBe(false);
  });

  it('after a failure, attempts within throttleMs are throttled; the first after it is not', () => {
    const throttle = makeThrottle();
    throttle.recordFailure('a');
    expect(throttle.isThrottled('a')).toBe(true);
    t += 999;
    expect(throttle.isThrottled('a')).toBe(true);
    t += 1;
    expect(throttle.isThrottled('a')).toBe(false);
    expect(throttle.size).toBe(0);
  });

  it('throttles only the key that failed', () => {
    const throttle = makeThrottle();
    throttle.recordFailure('a');
    expect(throttle.isThrottled('b')).toBe(false);
  });

  it('another failure after the window throttles again, from then', () => {
    const throttle = makeThrottle();
    throttle.recordFailure('a');
    t += 1_000;
    expect(throttle.isThrottled('a')).toBe(false);
    throttle.recordFailure('a');
    t += 500;
    expect(throttle.isThrottled('a')).toBe(true);
  });

  it('a failure can ask for its own window', () => {
    const throttle = makeThrottle();
    throttle.recordFailure('a', 100);
    t += 100;
    expect(throttle.isThrottled('a')).toBe(false);
  });

  it('a window of 0 throttles nothing', () => {
    const throttle = makeThrottle({ throttleMs: 0 });
    throttle.recordFailure('a');
    expect(throttle.isThrottled('a')).toBe(false);
    expect(throttle.size).toBe(0);
  });

  it('clear lifts the throttle of a key (a success, a write, an invalidation)', () => {
    const throttle = makeThrottle();
    throttle.recordFailure('a');
    throttle.recordFailure('b');
    throttle.clear('a');
    expect(throttle.isThrottled('a')).toBe(false);
    expect(throttle.isThrottled('b')).toBe(true);
    throttle.clearAll();
    expect(throttle.isThrottled('b')).toBe(false);
  });

  it('memory is bounded: past maxKeys the key throttled longest ago is forgotten', () => {
    const throttle = makeThrottle({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) throttle.recordFailure(key);
    throttle.recordFailure('a'); // throttled again: now the most recent
    throttle.recordFailure('d');
    expect(throttle.size).toBe(3);
    expect(throttle.isThrottled('b')).toBe(false);
    expect(['a', 'c', 'd'].map((key) => throttle.isThrottled(key))).toEqual([true, true, true]);
  });

  it('ended windows are dropped as new failures come in, never looked at again', () => {
    const throttle = makeThrottle();
    for (let i = 0; i < 50; i++) throttle.recordFailure(`old:${i}`);
    t += 1_000;
    throttle.recordFailure('new');
    expect(throttle.size).toBe(1);
  });

  it('many failing keys never hold more than maxKeys entries', () => {
    const throttle = makeThrottle({ maxKeys: 10 });
    for (let i = 0; i < 10_000; i++) throttle.recordFailure(`k:${i}`);
    expect(throttle.size).toBe(10);
  });

  it.each([
    ['a negative throttleMs', { throttleMs: -1 }],
    ['a NaN throttleMs', { throttleMs: NaN }],
    ['maxKeys 0', { maxKeys: 0 }],
    ['a fractional maxKeys', { maxKeys: 1.5 }],
  ])('rejects %s', (_name, options) => {
    expect(() => makeThrottle(options)).toThrow(RangeError);
  });
});
