import { Injectable, Logger } from '@nestjs/common';
import { CacheErrorLog } from '../decorators/cache-error-log';

/**
 * The cache failures the HTTP cache absorbed, for the whole application: Nest creates one
 * HttpCacheInterceptor per module that uses it, and they all count here (ChatCacheModule provides it).
 */
@Injectable()
export class HttpCacheErrorLog extends CacheErrorLog {
  constructor() {
    super(new Logger('ChatCache'));
  }
}
