/**
 * The Pareto front of evaluated points: those no other point beats on both size (smaller) and
 * accuracy (higher). Sorted by size, so it draws as a staircase from small-and-worse to big-and-better.
 */
export function paretoFront<T extends { bytes: number; accuracy: number }>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.bytes - b.bytes || b.accuracy - a.accuracy);
  const front: T[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.accuracy > best) {
      front.push(p);
      best = p.accuracy;
    }
  }
  return front;
}

/** The cells of a sweep grid: every prune ratio × every bit width ('f16' = float16, 32 = float32). */
export function sweepGrid(prune: readonly number[], bits: readonly (number | 'f16')[]): { prune: number; bits: number | 'f16' }[] {
  return prune.flatMap((p) => bits.map((b) => ({ prune: p, bits: b })));
}
