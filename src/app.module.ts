import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AdminModule } from './admin/admin.module';
import { ChatCacheModule } from './cache';
import { ChatModule } from './chat/chat.module';
import { APP_CONFIG, AppConfig, ConfigModule } from './config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './health/metrics/metrics.module';

/** The application, built from a config that was loaded and validated before Nest started. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ChatCacheModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: ({ cache }: AppConfig) => ({
            driver: cache.driver,
            keyPrefix: cache.keyPrefix,
            defaultTtlMs: cache.defaultTtlMs,
            // Every entry of this app is the chat's own: all of them outlive a database outage by it.
            graceMs: cache.graceMs,
            memory: cache.memory,
            redis: cache.redis,
          }),
        }),
        EventEmitterModule.forRoot(),
        ChatModule,
        AdminModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }
}
