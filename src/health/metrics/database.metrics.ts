import { Inject, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { DatabaseOutages } from '../../chat/database/database-outages';
import { METRICS_REGISTRY } from './metrics-registry';

/** `chat_database_unavailable_total{cause}`: requests answered 503 because the database could not answer, read at scrape time. */
@Injectable()
export class DatabaseMetrics {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, outages: DatabaseOutages) {
    new Counter({
      name: 'chat_database_unavailable_total',
      help: 'Requests answered 503 because the database could not answer, by cause (a driver code such as SQLITE_BUSY)',
      labelNames: ['cause'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [cause, count] of outages.byCause()) this.inc({ cause }, count);
      },
    });
  }
}
