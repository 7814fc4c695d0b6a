import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ChatModule } from '../chat/chat.module';
import { CacheHealthIndicator } from './cache.health-indicator';
import { DatabaseHealthIndicator } from './database.health-indicator';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health-indicator';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ChatModule],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, CacheHealthIndicator, RedisHealthIndicator],
})
export class HealthModule {}
