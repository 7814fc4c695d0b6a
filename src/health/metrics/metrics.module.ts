import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ChatModule } from '../../chat/chat.module';
import { CacheMetrics } from './cache.metrics';
import { DatabaseMetrics } from './database.metrics';
import { HttpMetrics } from './http.metrics';
import { METRICS_REGISTRY } from './metrics-registry';
import { MetricsController } from './metrics.controller';

/** `GET /metrics`; `HttpMetrics.middleware` is installed by createApp, ahead of every other middleware. */
@Module({
  imports: [ChatModule],
  controllers: [MetricsController],
  providers: [{ provide: METRICS_REGISTRY, useFactory: () => new Registry() }, CacheMetrics, DatabaseMetrics, HttpMetrics],
  exports: [HttpMetrics],
})
export class MetricsModule {}
