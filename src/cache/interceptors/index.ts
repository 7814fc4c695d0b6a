export { HttpCache } from './http-cache.decorator';
export type { HttpCacheOptions } from './http-cache.options';
export { HttpCacheInterceptor } from './http-cache.interceptor';
export type { HttpCacheOutcome } from './http-cache.interceptor';
