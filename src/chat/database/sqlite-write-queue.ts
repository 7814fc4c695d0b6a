/**
 * Write transactions of this process on one SQLite file, one at a time. A transaction through
 * kysely spans several turns of the event loop; were a second connection of this process (two app
 * instances in one process, as the tests run them) to write meanwhile, better-sqlite3 would wait
 * for the lock synchronously (busy_timeout), blocking the very event loop that the first needs to
 * commit: both stall until the timeout, then fail with SQLITE_BUSY. Queued here they wait
 * asynchronously instead. Other processes on the same file are kept apart by SQLite's own lock.
 */
const tails = new Map<string, Promise<unknown>>();

export function queueSqliteWrite<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(file) ?? Promise.resolve();
  const result = previous.then(work, work);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  tails.set(file, tail);
  void tail.then(() => {
    if (tails.get(file) === tail) tails.delete(file);
  });
  return result;
}
