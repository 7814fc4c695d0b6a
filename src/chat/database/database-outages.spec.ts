import { DatabaseOutages, OUTAGE_BURST_QUIET_MS } from './database-outages';

describe('DatabaseOutages', () => {
  function manualOutages() {
    let now = 0;
    const lines: string[] = [];
    const logger = { log: () => {}, error: () => {}, warn: (line: string) => lines.push(line) };
    return { outages: new DatabaseOutages(logger, () => now), lines, advance: (ms: number) => (now += ms) };
  }
  const busy = Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' });

  it('logs one line per burst, however many requests fail in it, and names the cause', () => {
    const { outages, lines, advance } = manualOutages();
    for (let i = 0; i < 50; i++) {
      outages.record('SQLITE_BUSY', busy);
      advance(OUTAGE_BURST_QUIET_MS - 1);
    }
    expect(lines).toEqual(['the database is unavailable (SQLITE_BUSY: database is locked); answering 503 until it answers again']);

    advance(OUTAGE_BURST_QUIET_MS);
    outages.record('SQLITE_BUSY', busy);
    expect(lines).toHaveLength(2);
  });

  it('logs again when the cause changes within a burst', () => {
    const { outages, lines } = manualOutages();
    outages.record('SQLITE_BUSY', busy);
    outages.record('SQLITE_IOERR', new Error('disk I/O error'));
    outages.record('SQLITE_IOERR', new Error('disk I/O error'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('SQLITE_IOERR: disk I/O error');
  });

  it('counts every failure by cause', () => {
    const { outages } = manualOutages();
    outages.record('SQLITE_BUSY', busy);
    outages.record('SQLITE_BUSY', busy);
    outages.record('SQLITE_CLOSED', new TypeError('The database connection is not open'));
    expect([...outages.byCause()]).toEqual([
      ['SQLITE_BUSY', 2],
      ['SQLITE_CLOSED', 1],
    ]);
  });
});
