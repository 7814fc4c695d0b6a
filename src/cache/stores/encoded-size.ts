/**
 * True when `encoded` takes more than `limit` bytes as UTF-8, what Redis holds (the codec's output
 * is well-formed UTF-16, so Buffer.byteLength is exact). One UTF-16 unit takes 1 to 3 bytes, so the
 * length alone decides unless it lies between limit / 3 and limit: only then are the bytes counted.
 */
export function encodedBytesExceed(encoded: string, limit: number | undefined): boolean {
  if (limit === undefined) return false;
  if (encoded.length > limit) return true;
  if (encoded.length * 3 <= limit) return false;
  return Buffer.byteLength(encoded, 'utf8') > limit;
}
