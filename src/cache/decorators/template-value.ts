import { stableHash } from './stable-json';

/**
 * How one value is written into a key, tag or pattern template. Strings are percent-encoded, `*`
 * included (encodeURIComponent leaves it alone), so that user input can neither reach another
 * key (`:` becomes %3A) nor act as glob syntax in a pattern (`*`, `?`, `[`, `]`, `\`).
 * Objects and arrays become a short stable hash; undefined and null become the empty string.
 * A string that is not well-formed UTF-16 makes encodeURIComponent throw: the call then goes
 * around the cache, which is safer than mapping two strings to one key.
 */
export function renderTemplateValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (typeof value) {
    case 'string':
      return encodeURIComponent(value).replace(/\*/g, '%2A');
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return stableHash(value);
    default:
      throw new TypeError(`a ${typeof value} cannot be written into a cache key`);
  }
}
