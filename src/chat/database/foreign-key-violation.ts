/**
 * Whether a write failed on a foreign key: the row it refers to was deleted by a transaction that
 * committed between the write's own check and its insert (PostgreSQL, READ COMMITTED), or on SQLite.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
