/**
 * SQLite's primary result codes that mean "the database cannot answer now, ask again later": a
 * lock held elsewhere (BUSY, LOCKED), the disk or file system failing (IOERR, CANTOPEN, FULL,
 * PROTOCOL: the file locks misbehave, as on some network file systems), or a file that cannot be
 * written just now (READONLY: permissions changed, the file moved or was replaced under us).
 * better-sqlite3 reports the extended code (`SQLITE_IOERR_WRITE`, `SQLITE_BUSY_SNAPSHOT`), so a
 * code is matched by its primary part.
 *
 * Left out on purpose: CONSTRAINT, MISMATCH, ERROR (a bad statement) and the like are bugs of ours;
 * CORRUPT and NOTADB say the file is damaged, which waiting does not cure: those stay 500s, logged
 * with their stack.
 */
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_PROTOCOL',
  'SQLITE_READONLY',
]);

/** What better-sqlite3 throws (a TypeError, without a code) for a statement on a closed connection. */
const CLOSED_CONNECTION_MESSAGE = 'The database connection is not open';

/**
 * The cause to report for a SQLite error that means the database cannot answer now; undefined for
 * any other. Matched by name, code and message rather than `instanceof`: the native addon throws
 * its TypeError from Node's own realm, and keeps the SqliteError class of the first copy of
 * better-sqlite3 that loaded it, so `instanceof` misses both under Jest's per-file module registry.
 */
export function sqliteUnavailableCause(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'SqliteError' && typeof code === 'string') {
    const primary = primaryCode(code);
    return UNAVAILABLE_CODES.has(primary) ? primary : undefined;
  }
  if (name === 'TypeError' && message === CLOSED_CONNECTION_MESSAGE) return 'SQLITE_CLOSED';
  return undefined;
}

/** `SQLITE_IOERR_SHORT_READ` -> `SQLITE_IOERR`: the codes are `SQLITE_<PRIMARY>[_<EXTENDED>]`. */
function primaryCode(code: string): string {
  return code.split('_', 2).join('_');
}
