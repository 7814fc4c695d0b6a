import { existsSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type Database from 'better-sqlite3';
import { CHAT_DATABASE } from '../chat/database/chat-database.provider';

/**
 * Down when SQLite does not answer a query that reads the schema, or when the database file is
 * gone (an instance whose file was deleted writes to an unlinked inode: its writes would vanish
 * at restart, so it must not take traffic).
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(CHAT_DATABASE) private readonly db: Database.Database,
  ) {}

  check() {
    const indicator = this.indicators.check('database');
    const startedAt = performance.now();
    try {
      if (!this.db.memory && !existsSync(this.db.name)) throw new Error(`the database file ${this.db.name} is gone`);
      this.db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
      return indicator.up({ engine: 'sqlite', responseMs: Math.round((performance.now() - startedAt) * 100) / 100 });
    } catch (error) {
      return indicator.down({ engine: 'sqlite', error: (error as Error).message });
    }
  }
}
