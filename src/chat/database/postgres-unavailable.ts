/** Socket errors of a PostgreSQL that is down, restarting, or cut off by the network. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve now: 57P01 admin_shutdown (pg_ctl stop -m fast),
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting or shutting down), 57014 query_canceled
 * (statement_timeout), 53300 too_many_connections; class 08 is every connection exception.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** What `pg` and `pg-pool` throw, by message alone, when the connection is gone or never came. */
const CLIENT_MESSAGES = [
  /^Connection terminated/, // "... unexpectedly", "... due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool: no client free within connectionTimeoutMillis
  /^Query read timeout$/, // pg's query_timeout: the server stopped answering
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/**
 * Whether `error`, thrown by a query to PostgreSQL, means the database is unavailable (down,
 * restarting, unreachable, or too slow: a statement or a wait for a connection timed out), as
 * opposed to a query the database refused (a constraint, a syntax error): the first is a 503 to
 * the client, the second is a bug or a 4xx. Meant to be plugged into the application's
 * database-unavailable classifier beside SQLite's.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  // Node's AggregateError: connecting to a host that resolves to several addresses (localhost: ::1 and 127.0.0.1).
  if (Array.isArray(errors) && errors.length > 0 && errors.every(isPostgresUnavailable)) return true;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return typeof message === 'string' && CLIENT_MESSAGES.some((pattern) => pattern.test(message));
}
