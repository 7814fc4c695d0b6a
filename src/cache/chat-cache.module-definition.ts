import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ChatCacheOptions } from './chat-cache.options';

/**
 * `forRoot(options)` / `forRootAsync({ imports, inject, useFactory })`, global by default
 * (`isGlobal: false` keeps it local to the importing module).
 */
export const { ConfigurableModuleClass: ChatCacheConfigurableModule, MODULE_OPTIONS_TOKEN: CHAT_CACHE_RAW_OPTIONS } =
  new ConfigurableModuleBuilder<ChatCacheOptions>({ moduleName: 'ChatCache' })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();
