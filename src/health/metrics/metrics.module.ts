import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { CacheMetrics } from './cache.metrics';
import { HttpMetrics } from './http.metrics';
import { METRICS_REGISTRY } from './metrics-registry';
import { MetricsController } from './metrics.controller';

/** `GET /metrics`; `HttpMetrics.middleware` is installed by createApp, ahead of every other middleware. */
@Module({
  controllers: [MetricsController],
  providers: [{ provide: METRICS_REGISTRY, useFactory: () => new Registry() }, CacheMetrics, HttpMetrics],
  exports: [HttpMetrics],
})
export class MetricsModule {}
