import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';

/**
 * Keys that class-transformer skips when it builds a DTO (`__proto__`, `constructor`) or that
 * name an object's machinery (`prototype`): whitelisting never sees them, so without this check a
 * body holding them was accepted in silence. They are refused like any unknown field, with
 * class-validator's words. JSON.parse makes `__proto__` an own key, so Object.keys finds it.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Far more than any DTO of this API nests (they are flat), far less than the call stack allows. */
const MAX_BODY_DEPTH = 32;

/**
 * The global ValidationPipe (whitelist, forbidNonWhitelisted, transform), which also refuses a JSON
 * body that is not an object (an array or a bare value would otherwise reach a handler as its
 * DTO), a query parameter given twice (Express makes it an array, which fails every check of the
 * field at once, with contradictory messages), prototype keys in a query or at any depth of a
 * body, and bodies nested too deep to validate.
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, validationError: { target: false, value: false } });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new BadRequestException('the request body must be a JSON object');
      }
      const refused = refusedBodyShape(value);
      if (refused !== undefined) throw new BadRequestException([refused]);
    }
    if (metadata.type === 'query' && metadata.data === undefined && typeof value === 'object' && value !== null) {
      const names = Object.keys(value);
      const prototypeKey = names.find((name) => PROTOTYPE_KEYS.has(name));
      if (prototypeKey !== undefined) throw new BadRequestException([`property ${prototypeKey} should not exist`]);
      const repeated = names.find((name) => Array.isArray((value as Record<string, unknown>)[name]));
      if (repeated !== undefined) throw new BadRequestException(`query parameter ${repeated} is repeated: give it once`);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Why a parsed JSON body is refused before validation, or undefined: a prototype key anywhere in
 * it, or nesting deeper than MAX_BODY_DEPTH. class-transformer copies a body recursively, and a
 * 64 KiB body can nest 30,000 levels, more than the call stack holds: that was a 500. Iterative
 * for the same reason.
 */
function refusedBodyShape(body: object): string | undefined {
  const pending: [value: unknown, path: string, depth: number][] = [[body, '', 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path, depth] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) return `the request body is nested deeper than ${MAX_BODY_DEPTH} levels (at ${path})`;
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const keyPath = isArray ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (!isArray && PROTOTYPE_KEYS.has(key)) return `property ${keyPath} should not exist`;
      pending.push([(value as Record<string, unknown>)[key], keyPath, depth + 1]);
    }
  }
  return undefined;
}
