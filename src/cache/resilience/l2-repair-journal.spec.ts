import { L2RepairJournal } from './l2-repair-journal';

const NOTHING = { keys: [], tags: [], patterns: [], clearAll: false };

describe('L2RepairJournal', () => {
  it('starts with nothing pending', () => {
    const journal = new L2RepairJournal();
    expect(journal.pending).toBe(false);
    expect(journal.take()).toEqual(NOTHING);
  });

  it('records keys, tags and patterns and hands them over with take', () => {
    const journal = new L2RepairJournal();
    journal.record({ keys: ['k1', 'k2'] });
    journal.record({ tags: ['user:1'], patterns: ['room:*'] });
    expect(journal.pending).toBe(true);
    expect(journal.take()).toEqual({ keys: ['k1', 'k2'], tags: ['user:1'], patterns: ['room:*'], clearAll: false });
  });

  it.each([
    ['keys', { keys: ['k'] }],
    ['tags', { tags: ['t'] }],
    ['patterns', { patterns: ['p*'] }],
    ['clearAll', { clearAll: true }],
  ])('is pending after recording only %s', (_name, repairs) => {
    const journal = new L2RepairJournal();
    journal.record(repairs);
    expect(journal.pending).toBe(true);
  });

  it('an empty record leaves nothing pending', () => {
    const journal = new L2RepairJournal();
    journal.record({});
    journal.record({ keys: [], tags: [], patterns: [] });
    expect(journal.pending).toBe(false);
  });

  it('take forgets what it handed over', () => {
    const journal = new L2RepairJournal();
    journal.record({ keys: ['k'], tags: ['t'], patterns: ['p*'] });
    journal.take();
    expect(journal.pending).toBe(false);
    expect(journal.take()).toEqual(NOTHING);
  });

  it('records each key, tag and pattern once', () => {
    const journal = new L2RepairJournal();
    journal.record({ keys: ['k', 'k'], tags: ['t'] });
    journal.record({ keys: ['k'], tags: ['t', 't'], patterns: ['p*'] });
    journal.record({ patterns: ['p*'] });
    expect(journal.take()).toEqual({ keys: ['k'], tags: ['t'], patterns: ['p*'], clearAll: false });
  });

  it('a failed replay can be recorded again', () => {
    const journal = new L2RepairJournal();
    journal.record({ keys: ['k'] });
    const repairs = journal.take();
    journal.record(repairs);
    expect(journal.take()).toEqual({ keys: ['k'], tags: [], patterns: [], clearAll: false });
  });

  it('keeps listing up to maxPending items', () => {
    const journal = new L2RepairJournal(3);
    journal.record({ keys: ['k1', 'k2'], tags: ['t1'] });
    expect(journal.take()).toEqual({ keys: ['k1', 'k2'], tags: ['t1'], patterns: [], clearAll: false });
  });

  it('past maxPending items it turns into clearAll with empty lists', () => {
    const journal = new L2RepairJournal(3);
    journal.record({ keys: ['k1', 'k2'] });
    journal.record({ tags: ['t1'], patterns: ['p*'] });
    expect(journal.pending).toBe(true);
    expect(journal.take()).toEqual({ keys: [], tags: [], patterns: [], clearAll: true });
  });

  it('once clearAll is set, later records are absorbed by it', () => {
    const journal = new L2RepairJournal();
    journal.record({ keys: ['before'] });
    journal.record({ clearAll: true });
    journal.record({ keys: ['after'], tags: ['t'], patterns: ['p*'] });
    expect(journal.take()).toEqual({ keys: [], tags: [], patterns: [], clearAll: true });
  });

  it('after a clearAll is taken, it lists again', () => {
    const journal = new L2RepairJournal(1);
    journal.record({ keys: ['a', 'b'] });
    expect(journal.take().clearAll).toBe(true);
    expect(journal.pending).toBe(false);
    journal.record({ keys: ['c'] });
    expect(journal.take()).toEqual({ keys: ['c'], tags: [], patterns: [], clearAll: false });
  });
});
