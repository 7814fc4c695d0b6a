export { Cacheable } from './cacheable.decorator';
export type { CacheableOptions } from './cacheable.decorator';
export { CachePut } from './cache-put.decorator';
export type { CachePutOptions } from './cache-put.decorator';
export { CacheEvict } from './cache-evict.decorator';
export type { CacheEvictOptions } from './cache-evict.decorator';
export type { KeySource, TagsSource } from './key-source';
export { CacheableMethodsExplorer } from './cacheable-methods.explorer';
