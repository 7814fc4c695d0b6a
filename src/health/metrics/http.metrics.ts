import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics-registry';

/** Requests that matched no route (404s, and bodies refused before routing) share one label. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every HTTP request, labelled by method, route pattern and status. The route is the
 * pattern (`/sessions/:id/messages`), never the path, so that there is one series per route and
 * not one per session id. On Express through `middleware`; on Fastify an onResponse hook calls `observe`.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  /** One finished request; `route` is the route pattern, or UNMATCHED_ROUTE. */
  observe(method: string, route: string, statusCode: number, durationSeconds: number): void {
    this.duration.observe({ method, route, status_code: statusCode }, durationSeconds);
  }

  /** Express middleware; install it first, so that requests refused by later middleware count too. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const startedAt = performance.now();
    res.once('finish', () => {
      // Express sets req.route on the route that handled the request; baseUrl is a mounted router's path.
      const route = req.route?.path === undefined ? UNMATCHED_ROUTE : `${req.baseUrl}${String(req.route.path)}`;
      this.observe(req.method, route, res.statusCode, (performance.now() - startedAt) / 1000);
    });
    next();
  };
}
