import { CircuitBreaker, CircuitState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let t: number;
  let changes: [CircuitState, CircuitState][];

  function makeBreaker(failureThreshold = 3, openMs = 1_000): CircuitBreaker {
    return new CircuitBreaker({
      failureThreshold,
      openMs,
      now: () => t,
      onStateChange: (state, previous) => changes.push([state, previous]),
    });
  }

  function fail(breaker: CircuitBreaker, times: number): void {
    for (let i = 0; i < times; i++) {
      breaker.allowRequest();
      breaker.recordFailure();
    }
  }

  /** An open breaker, opened at time `t`. */
  function opened(): CircuitBreaker {
    const breaker = makeBreaker(3, 1_000);
    fail(breaker, 3);
    expect(breaker.state).toBe('open');
    changes = [];
    return breaker;
  }

  beforeEach(() => {
    t = 10_000;
    changes = [];
  });

  it('starts closed and lets every call through', () => {
    const breaker = makeBreaker();
    expect(breaker.state).toBe('closed');
    expect([breaker.allowRequest(), breaker.allowRequest(), breaker.allowRequest()]).toEqual([true, true, true]);
    expect(changes).toEqual([]);
  });

  it('opens after failureThreshold consecutive failures', () => {
    const breaker = makeBreaker(3);
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(breaker.allowRequest()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allowRequest()).toBe(false);
    expect(changes).toEqual([['open', 'closed']]);
  });

  it('a success between failures resets the count', () => {
    const breaker = makeBreaker(3);
    fail(breaker, 2);
    breaker.recordSuccess();
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual([]);
    fail(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('refuses calls while open, until openMs has passed', () => {
    const breaker = opened();
    t += 999;
    expect(breaker.allowRequest()).toBe(false);
    expect(breaker.state).toBe('open');
    t += 1;
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(changes).toEqual([['half-open', 'open']]);
  });

  it('half-open lets exactly one probe through while it is in flight', () => {
    const breaker = opened();
    t += 1_000;
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.allowRequest()).toBe(false);
    expect(breaker.allowRequest()).toBe(false);
    expect(breaker.state).toBe('half-open');
  });

  it('a successful probe closes the circuit', () => {
    const breaker = opened();
    t += 1_000;
    breaker.allowRequest();
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect([breaker.allowRequest(), breaker.allowRequest()]).toEqual([true, true]);
    expect(changes).toEqual([
      ['half-open', 'open'],
      ['closed', 'half-open'],
    ]);
  });

  it('after closing, it takes failureThreshold new failures to open again', () => {
    const breaker = opened();
    t += 1_000;
    breaker.allowRequest();
    breaker.recordSuccess();
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    fail(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('a failed probe reopens the circuit for another openMs', () => {
    const breaker = opened();
    t += 1_000;
    breaker.allowRequest();
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allowRequest()).toBe(false);
    t += 999;
    expect(breaker.allowRequest()).toBe(false);
    t += 1;
    expect(breaker.allowRequest()).toBe(true);
    expect(changes).toEqual([
      ['half-open', 'open'],
      ['open', 'half-open'],
      ['half-open', 'open'],
    ]);
  });

  it('probeNow lets an open circuit probe at once', () => {
    const breaker = opened();
    breaker.probeNow();
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allowRequest()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('probeNow does nothing to a closed circuit', () => {
    const breaker = makeBreaker(2);
    breaker.probeNow();
    expect(breaker.state).toBe('closed');
    fail(breaker, 2);
    expect(breaker.state).toBe('open');
    expect(changes).toEqual([['open', 'closed']]);
  });

  it('works without onStateChange or now', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 60_000 });
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allowRequest()).toBe(false);
    breaker.probeNow();
    expect(breaker.allowRequest()).toBe(true);
    expect(breaker.state).toBe('half-open');
  });
});
