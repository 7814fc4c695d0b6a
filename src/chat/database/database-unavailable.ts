import { postgresUnavailableCause } from './postgres-unavailable';
import { sqliteUnavailableCause } from './sqlite-unavailable';

/**
 * One classifier per database driver, each answering the cause of an error that means "the database
 * cannot answer now" or undefined. Both run whichever engine is in use: their causes do not overlap
 * (SQLite's are SqliteErrors and one TypeError, PostgreSQL's are socket codes, SQLSTATEs and pg's
 * own messages).
 */
const CLASSIFIERS: readonly ((error: unknown) => string | undefined)[] = [sqliteUnavailableCause, postgresUnavailableCause];

/** How deep to follow `error.cause`: a wrapper (a query builder, a pool) may carry the driver's error. */
const MAX_CAUSE_DEPTH = 4;

/**
 * Why the database could not answer (a driver's code, as `SQLITE_BUSY`, a bounded set to label a
 * metric with), or undefined when `error` is anything else: a bug, a constraint, an HttpException.
 */
export function databaseUnavailableCause(error: unknown): string | undefined {
  let current = error;
  // Not `instanceof Error`: a native addon's errors come from Node's own realm (see sqlite-unavailable.ts).
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    for (const classify of CLASSIFIERS) {
      const cause = classify(current);
      if (cause !== undefined) return cause;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseUnavailableCause(error) !== undefined;
}
