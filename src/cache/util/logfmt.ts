/**
 * One log line an operator can read and a log pipeline can parse: the event name, then
 * `key=value` pairs (logfmt), values quoted only when they need it. Undefined fields are left out.
 */
export function logfmt(event: string, fields: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${quote(String(value))}`);
  return [event, ...pairs].join(' ');
}

function quote(value: string): string {
  return /^[\w.:/@*+-]+$/.test(value) ? value : JSON.stringify(value);
}
