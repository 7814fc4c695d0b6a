/**
 * Runs `op(0) .. op(total - 1)` with at most `concurrency` calls in flight (each of `concurrency`
 * workers starts its next call as soon as its previous one resolves), as a server with that many
 * concurrent requests would. Answers `total`, for `Contender.batch`.
 */
export async function runInFlight(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  if (concurrency <= 1) {
    for (let i = 0; i < total; i++) await op(i);
    return total;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) await op(next++);
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < Math.min(concurrency, total); w++) workers.push(worker());
  await Promise.all(workers);
  return total;
}

/** A shuffled copy of 0 .. n-1 (Fisher-Yates with `random`), for access orders that visit every key once. */
export function shuffledIndexes(n: number, random: () => number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
