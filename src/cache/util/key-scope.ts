import { INTERNAL_KEY_NAMESPACE } from '../chat-cache.constants';

/**
 * A namespace name: letters, digits, `_`, `.` and `-`, at most 100 of them. No glob characters (a
 * namespace's `clear()` is the pattern `<name>:*`, which must match its keys and no others) and no
 * `:` (nesting goes through `namespace()`, so that `a` cannot be reached as `a:b` from outside).
 */
const NAMESPACE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function assertNamespaceName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAMESPACE_NAME.test(name)) {
    throw new TypeError(
      `a namespace name must be 1..100 letters, digits, "_", "." or "-" (no ":" and no glob characters; got ${typeof name === 'string' ? JSON.stringify(name) : String(name)})`,
    );
  }
}

/**
 * Where the keys and tags of a cache view live: the root (the module's prefix alone) or a
 * namespace (`<name>:` inside it, `<outer>:<inner>:` when nested). Keys, tags and patterns given to
 * a view are relative to it; its scope makes them relative to the prefix.
 */
export class KeyScope {
  static readonly ROOT = new KeyScope(undefined);
  /** `<name>:`, or empty at the root. */
  readonly prefix: string;

  private constructor(readonly name: string | undefined) {
    this.prefix = name === undefined ? '' : `${name}:`;
  }

  /** The scope of `namespace(name)` opened on this one (name checked). */
  child(name: string): KeyScope {
    assertNamespaceName(name);
    const full = this.name === undefined ? name : `${this.name}:${name}`;
    if (`${full}:`.startsWith(INTERNAL_KEY_NAMESPACE)) {
      throw new TypeError(`the namespace "${name}" is the one chat-cache keeps for itself`);
    }
    return new KeyScope(full);
  }

  key(key: string): string {
    return this.prefix === '' ? key : this.prefix + key;
  }

  keys(keys: readonly string[]): readonly string[] {
    return this.prefix === '' ? keys : keys.map((key) => this.prefix + key);
  }

  /** Tags belong to a namespace too: its `invalidateTags` reaches its own entries only. */
  tags(tags: readonly string[]): readonly string[] {
    return this.keys(tags);
  }

  /** The prefix holds no glob character (see NAMESPACE_NAME), so it matches only itself. */
  pattern(pattern: string): string {
    return this.key(pattern);
  }

  contains(key: string): boolean {
    return key.startsWith(this.prefix);
  }

  /** A key relative to the prefix, made relative to this scope (call `contains` first). */
  relative(key: string): string {
    return key.slice(this.prefix.length);
  }
}
