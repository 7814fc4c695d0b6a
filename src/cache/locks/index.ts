export * from './cluster-lease';
export * from './lease-key';
export * from './lease-wake';
export * from './load-under-lease';
