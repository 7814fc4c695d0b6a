import { ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { databaseUnavailableCause } from './database/database-unavailable';
import { DatabaseOutages } from './database/database-outages';

export const DATABASE_UNAVAILABLE_MESSAGE = 'the database is unavailable; try again shortly';

/**
 * Seconds a client is asked to wait: a lock held by another instance or a maintenance task lasts
 * seconds, and a disk that fails longer is for /health/ready to take the instance out.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Answers 503 with `Retry-After` for an error that means the database cannot answer now (a lock
 * held too long, a failing disk: see isDatabaseUnavailable), wherever it was thrown: a guard, a
 * pipe, a handler. Those are not bugs of ours, and a 500 with a stack trace for each would say they
 * were. Every other error goes to Nest's own handling, unchanged.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  constructor(private readonly outages: DatabaseOutages) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const cause = databaseUnavailableCause(exception);
    if (cause === undefined || host.getType() !== 'http') return super.catch(exception, host);
    this.outages.record(cause, exception);
    const adapter = this.httpAdapterHost!.httpAdapter;
    const response = host.switchToHttp().getResponse();
    // A response already under way cannot become a 503; end it, as Nest does for any late error.
    if (adapter.isHeadersSent(response)) return adapter.end(response);
    adapter.setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    adapter.reply(
      response,
      { statusCode: HttpStatus.SERVICE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE, error: 'Service Unavailable' },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
