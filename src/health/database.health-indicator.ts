import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CHAT_DATABASE, ChatDatabase } from '../chat/database/chat-database';

/**
 * Down when the database does not answer a query (SQLite: one that reads the schema, or its file
 * is gone; PostgreSQL: SELECT 1 within the statement timeout).
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(CHAT_DATABASE) private readonly database: ChatDatabase,
  ) {}

  async check() {
    const indicator = this.indicators.check('database');
    const engine = this.database.engine;
    const startedAt = performance.now();
    try {
      await this.database.ping();
      return indicator.up({ engine, responseMs: Math.round((performance.now() - startedAt) * 100) / 100 });
    } catch (error) {
      return indicator.down({ engine, error: (error as Error).message });
    }
  }
}
