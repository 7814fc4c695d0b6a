import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { CacheService } from '../cache.service';
import { CacheErrorLog } from './cache-error-log';
import { hasCacheDecorators, wrapCachedMethod } from './wrap-cached-methods';

/**
 * Gives @Cacheable, @CachePut and @CacheEvict their behaviour: when the module initialises, it
 * finds every provider instance whose methods carry them and replaces those methods on the
 * instance. ChatCacheModule is global, so Nest runs this hook before the hooks of other modules:
 * their onModuleInit already calls the wrapped methods.
 *
 * Skipped: request-scoped providers (and those that depend on one), whose instances do not exist
 * yet; a warning names them. Controllers are not providers: their routes are registered before
 * this hook runs, so use `@HttpCache()` on routes.
 */
@Injectable()
export class CacheableMethodsExplorer implements OnModuleInit {
  private readonly logger = new Logger('ChatCache');
  private readonly failures = new CacheErrorLog(this.logger);
  private readonly wrapped: string[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly cache: CacheService,
  ) {}

  /** Cache failures absorbed by decorated methods (the calls went on without the cache). */
  get errors(): number {
    return this.failures.count;
  }

  /** `Class.method` of every method wrapped so far. */
  get wrappedMethods(): readonly string[] {
    return this.wrapped;
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      for (const instance of this.instancesOf(wrapper)) this.wrapInstance(instance);
    }
  }

  private instancesOf(wrapper: InstanceWrapper): object[] {
    const methodsOwner = wrapper.metatype?.prototype ?? (isObject(wrapper.instance) ? Object.getPrototypeOf(wrapper.instance) : undefined);
    if (!wrapper.isDependencyTreeStatic()) {
      if (methodsOwner && this.decoratedMethodNames(methodsOwner).length > 0) {
        this.logger.warn(`${String(wrapper.name)} is request-scoped: its cache decorators do nothing (cache inside its methods instead)`);
      }
      return [];
    }
    const instances = wrapper.isTransient ? wrapper.getStaticTransientInstances().map((host) => host?.instance) : [wrapper.instance];
    return instances.filter(isObject);
  }

  private wrapInstance(instance: object): void {
    const prototype = Object.getPrototypeOf(instance);
    const methodNames = this.decoratedMethodNames(prototype);
    if (methodNames.length === 0) return;
    const className = prototype.constructor?.name ?? 'anonymous';
    for (const methodName of methodNames) {
      try {
        if (wrapCachedMethod(instance as Record<string, unknown>, methodName, { cache: this.cache, errors: this.failures, className })) {
          this.wrapped.push(`${className}.${methodName}`);
        }
      } catch (error) {
        // A frozen instance, for one: its method runs uncached rather than the application not starting.
        this.logger.warn(`${className}.${methodName}: cache decorators not applied: ${(error as Error).message}`);
      }
    }
  }

  private decoratedMethodNames(prototype: object | null): string[] {
    if (!prototype) return [];
    return this.scanner.getAllMethodNames(prototype).filter((name) => hasCacheDecorators((prototype as Record<string, unknown>)[name]));
  }
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
