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

/**
 * What `pg` and `pg-pool` throw, by message alone, when the connection is gone or never came; each
 * with the cause it is counted under (these errors carry no code).
 */
const CLIENT_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/^Connection terminated/, 'PG_CONNECTION_TERMINATED'], // "... unexpectedly", "... due to connection timeout"
  [/^timeout exceeded when trying to connect$/, 'PG_POOL_TIMEOUT'], // pg-pool: no client free within connectionTimeoutMillis
  [/^Query read timeout$/, 'PG_QUERY_TIMEOUT'], // pg's query_timeout: the server stopped answering
  [/^Client has encountered a connection error and is not queryable$/, 'PG_CLIENT_BROKEN'],
  [/^Client was closed and is not queryable$/, 'PG_CLIENT_CLOSED'],
];

/** Any other connection exception (class 08) is counted under the class's own code: the label set stays bounded. */
const KNOWN_CONNECTION_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '08007', '08P01']);

/**
 * Why PostgreSQL could not answer `error`'s query (a network code such as `ECONNREFUSED`, a
 * SQLSTATE such as `57P01`, or a `PG_...` name for the client's own errors: a bounded set, to label
 * a metric with), or undefined when the database refused the query itself (a constraint, a syntax
 * error): the first is a 503 to the client, the second a bug or a 4xx. One of the classifiers of
 * database-unavailable.ts, beside SQLite's.
 */
export function postgresUnavailableCause(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  // Node's AggregateError: connecting to a host that resolves to several addresses (localhost: ::1 and 127.0.0.1).
  if (Array.isArray(errors) && errors.length > 0) {
    const causes = errors.map(postgresUnavailableCause);
    return causes.every((cause) => cause !== undefined) ? causes[0] : undefined;
  }
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return code;
    if (/^08[0-9A-Z]{3}$/.test(code)) return KNOWN_CONNECTION_SQLSTATES.has(code) ? code : '08000';
  }
  if (typeof message !== 'string') return undefined;
  return CLIENT_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}

/** Whether `error`, thrown by a query to PostgreSQL, means the database is unavailable (see postgresUnavailableCause). */
export function isPostgresUnavailable(error: unknown): boolean {
  return postgresUnavailableCause(error) !== undefined;
}
