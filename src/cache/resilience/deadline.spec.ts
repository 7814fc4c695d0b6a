import { CacheCommandTimeoutError } from '../errors';
import { withDeadline } from './deadline';

describe('withDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes a value through when it comes in time, and leaves no timer behind', async () => {
    await expect(withDeadline(Promise.resolve('v'), 100)).resolves.toBe('v');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes an error through when it comes in time', async () => {
    await expect(withDeadline(Promise.reject(new Error('boom')), 100)).rejects.toThrow('boom');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects with a "timed out" error once the deadline passes, although the work never ends', async () => {
    const never = new Promise<string>(() => undefined);
    const bounded = withDeadline(never, 100);
    jest.advanceTimersByTime(99);
    let settled = false;
    bounded.catch(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(bounded).rejects.toThrow(/timed out after 100 ms/);
  });

  it('rejects with a CacheCommandTimeoutError, told apart by instanceof, and starts its timer before work it is given as a function', async () => {
    let startedAfterTimer = false;
    const bounded = withDeadline(() => {
      startedAfterTimer = jest.getTimerCount() === 1;
      return new Promise<string>(() => undefined);
    }, 50);
    expect(startedAfterTimer).toBe(true);
    jest.advanceTimersByTime(50);
    await expect(bounded).rejects.toBeInstanceOf(CacheCommandTimeoutError);
  });
});
