import { deferred } from '../../../test/support/deferred';
import { WriteOrder } from './write-order';

describe('WriteOrder', () => {
  it('a later write, delete or clear supersedes a write not sent yet, of that key only', () => {
    const order = new WriteOrder();
    const first = order.begin('k');
    const other = order.begin('other');
    order.begin('k');
    expect(first.superseded).toBe(true);
    expect(other.superseded).toBe(false);
    order.supersede(['other']);
    expect(other.superseded).toBe(true);
    const third = order.begin('x:1');
    order.supersedeMatching((key) => key.startsWith('y:'));
    expect(third.superseded).toBe(false);
    order.supersedeMatching(() => true);
    expect(third.superseded).toBe(true);
  });

  it('a write that was sent can no longer be superseded', () => {
    const order = new WriteOrder();
    const sent = order.begin('k');
    order.end(sent);
    order.supersede(['k']);
    expect(sent.superseded).toBe(false);
  });

  it('a write waits for the removals in progress that match its key, until they settle', async () => {
    const order = new WriteOrder();
    const removal = deferred<number>();
    const done = order.removing((key) => key.startsWith('msg:'), removal.promise);
    expect(order.removalsOf('user:1')).toBeUndefined();
    const waiting = order.removalsOf('msg:1');
    expect(waiting).toBeDefined();
    let settled = false;
    void waiting!.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    removal.reject(new Error('Redis said no'));
    await expect(done).rejects.toThrow('Redis said no');
    await waiting;
    expect(settled).toBe(true);
    expect(order.removalsOf('msg:1')).toBeUndefined();
  });
});
