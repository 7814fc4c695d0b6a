import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CacheableMethodsExplorer, CacheService, CacheStats, CacheTelemetry, HttpCacheInterceptor } from '../../cache';
import { AbsorbedErrors, CACHE_STAT_METRICS, CacheStatMetric } from './cache-stat-metrics';
import { METRICS_REGISTRY } from './metrics-registry';

/**
 * Exposes the cache to Prometheus: the counters of `CacheService.stats()`, read at scrape time
 * (so the cache keeps plain counters and knows nothing of Prometheus), and two histograms fed by
 * `CacheTelemetry`: Redis call latency, and the delivery lag of invalidation bus messages; and
 * counters of what the cache's events (`CacheService.on`) tell and `stats()` does not count.
 */
@Injectable()
export class CacheMetrics implements OnModuleDestroy {
  private readonly unsubscribe: Array<() => void>;
  private snapshot: { stats: CacheStats; absorbed: AbsorbedErrors } | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly cache: CacheService,
    private readonly cachedMethods: CacheableMethodsExplorer,
    private readonly httpCache: HttpCacheInterceptor,
    telemetry: CacheTelemetry,
  ) {
    // A memory-only cache has no Redis series at all, rather than zeros that look like a healthy Redis.
    const { redis, bus } = cache.stats();
    for (const metric of CACHE_STAT_METRICS) {
      if ((metric.requires === 'redis' && redis === null) || (metric.requires === 'bus' && bus === null)) continue;
      this.register(registry, metric);
    }
    const l2Duration = new Histogram({
      name: 'chat_cache_redis_command_duration_seconds',
      help: 'Duration of calls to Redis (a tagged read or write is one call of two commands), by operation and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    const busLag = new Histogram({
      name: 'chat_cache_bus_delivery_lag_seconds',
      help: 'Time from another instance publishing an invalidation to this one receiving it, by reason',
      labelNames: ['reason'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    });
    const stale = new Counter({
      name: 'chat_cache_stale_total',
      help: 'Answers served past their TTL from the grace window (fail-safe: the factory failed or timed out)',
      registers: [registry],
    });
    const timeouts = new Counter({
      name: 'chat_cache_factory_timeouts_total',
      help: 'Factory calls that ran past their soft or hard timeout',
      registers: [registry],
    });
    this.unsubscribe = [
      telemetry.subscribe({
        l2Call: ({ operation, outcome, durationMs }) => l2Duration.observe({ operation, outcome }, durationMs / 1000),
        busDelivery: ({ reason, lagMs }) => busLag.observe({ reason }, lagMs / 1000),
      }),
      cache.on('stale', () => stale.inc()),
      cache.on('timeout', () => timeouts.inc()),
    ];
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  /**
   * One reading of the cache for a whole scrape: the registry collects every metric in one
   * synchronous pass, so the snapshot is dropped on the next microtask. Hits and misses of one
   * scrape then come from the same instant, and `stats()` runs once instead of once a metric.
   */
  private current(): { stats: CacheStats; absorbed: AbsorbedErrors } {
    if (this.snapshot === undefined) {
      this.snapshot = {
        stats: this.cache.stats(),
        absorbed: { cachedMethods: this.cachedMethods.errors, httpCache: this.httpCache.errors },
      };
      queueMicrotask(() => (this.snapshot = undefined));
    }
    return this.snapshot;
  }

  private register(registry: Registry, metric: CacheStatMetric): void {
    const read = () => {
      const { stats, absorbed } = this.current();
      return metric.read(stats, absorbed);
    };
    const unlabelled = metric.labelNames.length === 0;
    const common = { name: metric.name, help: metric.help, labelNames: [...metric.labelNames], registers: [registry] };
    if (metric.type === 'counter') {
      new Counter({
        ...common,
        // The cache counts; the counter shows its count at each scrape.
        collect() {
          this.reset();
          if (unlabelled) this.remove(); // reset() puts back a 0 for a metric without labels
          for (const [labels, value] of read()) this.inc(labels, value);
        },
      });
    } else {
      new Gauge({
        ...common,
        collect() {
          this.reset();
          if (unlabelled) this.remove(); // with nothing to say (no bus message yet), no sample rather than 0
          for (const [labels, value] of read()) this.set(labels, value);
        },
      });
    }
  }
}
