export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Ours relative to a peer, > 1 meaning ours is better whichever way the metric runs. */
export function ratioOf(ours: number, peer: number, betterIs: 'higher' | 'lower'): number {
  return betterIs === 'higher' ? ours / peer : peer / ours;
}
