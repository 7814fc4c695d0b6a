import { Doorkeeper } from './doorkeeper';
import { hashKey } from './key-hash';

describe('Doorkeeper', () => {
  it('answers false for the first put of a key and true for the next ones, until cleared', () => {
    const doorkeeper = new Doorkeeper(1_000);
    const hash = hashKey('chat:session:1');
    expect(doorkeeper.contains(hash)).toBe(false);
    expect(doorkeeper.put(hash)).toBe(false);
    expect(doorkeeper.put(hash)).toBe(true);
    expect(doorkeeper.contains(hash)).toBe(true);
    doorkeeper.clear();
    expect(doorkeeper.contains(hash)).toBe(false);
  });

  it('has few false positives when filled with as many keys as it expects', () => {
    const doorkeeper = new Doorkeeper(10_000);
    for (let i = 0; i < 10_000; i++) doorkeeper.put(hashKey(`seen:${i}`));
    let falsePositives = 0;
    for (let i = 0; i < 10_000; i++) if (doorkeeper.contains(hashKey(`never:${i}`))) falsePositives++;
    expect(falsePositives / 10_000).toBeLessThan(0.1);
  });
});
