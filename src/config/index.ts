export { APP_CONFIG } from './app-config';
export type { AppConfig } from './app-config';
export { ConfigError } from './config-error';
export { ConfigModule } from './config.module';
export { loadConfig } from './load-config';
