import { Controller, Get, Header, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { METRICS_TOKEN } from '../../http/openapi/api-answers';
import { METRICS_REGISTRY, processMetricsRegistry } from './metrics-registry';
import { MetricsTokenGuard } from './metrics-token.guard';

/** Prometheus text: this application's metrics, then the process's (Node's default metrics). */
@ApiTags('health')
@ApiBearerAuth(METRICS_TOKEN)
@Controller('metrics')
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @ApiOperation({ summary: 'Prometheus text; needs METRICS_TOKEN when it is set' })
  @ApiOkResponse({ content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and was not given' })
  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async metrics(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetricsRegistry().metrics()]);
    return `${own}\n${process}`;
  }
}
