/** The original method behind a wrapper; its presence also marks a method as already wrapped. */
export const ORIGINAL_METHOD = Symbol('chat-cache:original-method');

export type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Makes `wrapper` pass for `original`: same `name` (stack traces, logs) and every Reflect
 * metadata of the original, so that decorators read later by other libraries (@OnEvent, which
 * @nestjs/event-emitter reads at bootstrap, after the wrapping) still find theirs.
 */
export function keepMethodIdentity(original: AnyMethod, wrapper: AnyMethod): AnyMethod {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  for (const key of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), wrapper);
  }
  Object.defineProperty(wrapper, ORIGINAL_METHOD, { value: original });
  return wrapper;
}

export function isWrappedMethod(method: unknown): boolean {
  return typeof method === 'function' && ORIGINAL_METHOD in method;
}
