/** The function a method decorator was applied to, or a clear error when it is not a method. */
export function decoratedMethod(decorator: string, propertyKey: string | symbol, descriptor: PropertyDescriptor): object {
  if (typeof descriptor?.value !== 'function') {
    throw new TypeError(`${decorator} applies to methods; ${String(propertyKey)} is not one`);
  }
  return descriptor.value;
}
