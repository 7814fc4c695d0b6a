/**
 * Turns what a user typed into an FTS5 query that matches messages containing every word, in any
 * order. Each word becomes a quoted string, so FTS5 syntax in the input (AND, NEAR, column
 * filters, `*`, `^`, unbalanced quotes) is searched for as text and can never make the query fail.
 * Null when the input holds no word at all (only punctuation, say), which matches nothing.
 */
export function toFtsQuery(input: string): string | null {
  const words = input.match(/[\p{L}\p{N}\p{M}_]+/gu);
  if (words === null) return null;
  return words.map((word) => `"${word}"`).join(' ');
}
