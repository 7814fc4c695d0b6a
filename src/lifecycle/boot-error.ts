import Database from 'better-sqlite3';

/** A reason the application cannot start, as one line that says what to change. */
export class BootError extends Error {
  override readonly name = 'BootError';
}

/**
 * One line for an error that stopped the boot. Known failures say what to change; anything else
 * is a bug, named in one line with a pointer to its stack trace (`stack`, printed at debug level).
 */
export function describeBootError(error: unknown, databasePath: string): { line: string; stack?: string } {
  if (error instanceof BootError) return { line: error.message };
  if (error instanceof Database.SqliteError) {
    return {
      line: `DATABASE_PATH is "${databasePath}": SQLite cannot use it (${error.code}: ${error.message}); set DATABASE_PATH to a SQLite file this process can read and write`,
    };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    line: `${message.replace(/\s*\n\s*/g, ' ')} (an unexpected error: LOG_LEVEL=debug prints its stack trace)`,
    stack: error instanceof Error ? error.stack : undefined,
  };
}
