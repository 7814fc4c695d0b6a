import { renderTemplateValue } from './template-value';

/** What a compiled template reads: the method's arguments and, after the call, its result. */
export type TemplateRenderer = (args: readonly unknown[], result?: unknown) => string;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PATH = /^(\d+|result)((?:\.[^.{}\s]+)*)$/;

/**
 * Compiles `session:{0}`, `room:{1.owner.name}`, `message:{result.id}`: `{n}` is argument n,
 * `{result}` the method's result, and `.a.b` walks properties. Compiled once, at decoration time,
 * so that a malformed template fails when the class loads rather than on some later call.
 */
export function compileKeyTemplate(template: string, context: { allowResult: boolean; decorator: string }): TemplateRenderer {
  const parts: ((args: readonly unknown[], result: unknown) => string)[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push(literal(template.slice(last, match.index), template, context.decorator));
    parts.push(placeholder(match[1], template, context));
    last = match.index + match[0].length;
  }
  parts.push(literal(template.slice(last), template, context.decorator));
  return (args, result) => parts.map((part) => part(args, result)).join('');
}

function literal(text: string, template: string, decorator: string): () => string {
  if (/[{}]/.test(text)) {
    throw new TypeError(`${decorator}: unbalanced "{" or "}" in the template "${template}"`);
  }
  return () => text;
}

function placeholder(
  expression: string,
  template: string,
  { allowResult, decorator }: { allowResult: boolean; decorator: string },
): (args: readonly unknown[], result: unknown) => string {
  const match = PATH.exec(expression.trim());
  if (match === null) {
    throw new TypeError(
      `${decorator}: "{${expression}}" in the template "${template}" is neither an argument ({0}, {1.id}) nor the result ({result.id})`,
    );
  }
  const [, root, rest] = match;
  if (root === 'result' && !allowResult) {
    throw new TypeError(
      `${decorator}: the template "${template}" uses {result}, but the key is needed before the method runs; only @CachePut and @CacheEvict know the result`,
    );
  }
  const path = rest === '' ? [] : rest.slice(1).split('.');
  const index = root === 'result' ? -1 : Number(root);
  return (args, result) => renderTemplateValue(walk(index === -1 ? result : args[index], path));
}

function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === undefined || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
