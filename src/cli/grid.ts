/**
 * The grid of a `sweep` command and its shards.
 *
 * `--grid prune=0,0.5,0.8 bits=8,4` names one or more axes, each at most once, each a list of
 * values. The cells are the cartesian product with the axes always taken in the fixed order
 * GRID_AXES (prune, channels, rank, clusters, bits) — whatever order the command line gives them —
 * the first axis varying slowest and each axis's values in the order given. So
 * `prune=0,0.5 bits=8,4` has cells 0: prune 0 · 8-bit, 1: prune 0 · 4-bit, 2: prune 0.5 · 8-bit,
 * 3: prune 0.5 · 4-bit. Cell k belongs to shard i of n (`--shard i/n`, i from 0) iff k mod n = i.
 *
 * A value that means "not applied" is allowed on every axis: prune 0, channels 0, rank 0 (full
 * rank), clusters 0 and bits 32 (float32); bits also takes f16 (float16).
 */
import { UsageError } from './args';

/** The axes a grid may have, in the order cells are enumerated (the first varies slowest). */
export const GRID_AXES = ['prune', 'channels', 'rank', 'clusters', 'bits'] as const;
export type GridAxis = (typeof GRID_AXES)[number];
/** A value on an axis: a number, or 'f16' (bits only). */
export type AxisValue = number | 'f16';

/** A parsed grid: its axes in GRID_AXES order, each with its values as given. */
export interface Grid {
  axes: { axis: GridAxis; values: AxisValue[] }[];
}

/** One cell of a grid: a value for each of the grid's axes. */
export type Cell = Partial<Record<GridAxis, AxisValue>>;

/** What each axis accepts, checked per value; returns an error text or undefined. */
const CHECK: Record<GridAxis, (v: number) => string | undefined> = {
  prune: (v) => (v >= 0 && v <= 0.99 ? undefined : 'a share of weights in [0, 0.99] (0: no pruning)'),
  channels: (v) => (v >= 0 && v <= 0.9 ? undefined : 'a share of units in [0, 0.9] (0: none removed)'),
  rank: (v) => (v >= 0 && (v < 1 || Number.isInteger(v)) ? undefined : 'a fraction of full rank in (0, 1), a whole rank ≥ 1, or 0 (full rank)'),
  clusters: (v) => (v === 0 || (Number.isInteger(v) && v >= 2 && v <= 65536) ? undefined : 'a whole number of clusters in [2, 65536] (0: no clustering)'),
  bits: (v) => (v === 32 || (Number.isInteger(v) && v >= 1 && v <= 16) ? undefined : 'a whole number of bits in [1, 16], 32 (float32) or f16'),
};

/** Parses the `--grid` words, e.g. ["prune=0,0.5", "bits=8,4,f16"]; throws a UsageError naming the word and what it needs. */
export function parseGrid(words: readonly string[]): Grid {
  if (words.length === 0) throw new UsageError(`sweep needs --grid <axis>=<v1>,<v2>… (axes: ${GRID_AXES.join(', ')}), e.g. --grid prune=0,0.5,0.8 bits=8,4`);
  const given = new Map<GridAxis, AxisValue[]>();
  for (const word of words) {
    const m = /^([\w-]+)=(.*)$/.exec(word);
    if (!m) throw new UsageError(`--grid ${word}: expected <axis>=<v1>,<v2>… (axes: ${GRID_AXES.join(', ')})`);
    const axis = m[1] as GridAxis;
    if (!GRID_AXES.includes(axis)) throw new UsageError(`--grid ${word}: unknown axis "${m[1]}" (axes: ${GRID_AXES.join(', ')})`);
    if (given.has(axis)) throw new UsageError(`--grid ${word}: the axis ${axis} is given twice; list all its values once`);
    const texts = m[2].split(',');
    const values = texts.map((t): AxisValue => {
      const text = t.trim();
      if (axis === 'bits' && (text === 'f16' || text === 'float16')) return 'f16';
      const v = text === '' ? NaN : Number(text);
      const why = Number.isFinite(v) ? CHECK[axis](v) : `a number${axis === 'bits' ? ' or f16' : ''}`;
      if (why) throw new UsageError(`--grid ${word}: "${text}" is not ${why}`);
      return v;
    });
    const seen = new Set(values.map(String));
    if (seen.size !== values.length) throw new UsageError(`--grid ${word}: a value is listed twice`);
    given.set(axis, values);
  }
  return { axes: GRID_AXES.filter((a) => given.has(a)).map((axis) => ({ axis, values: given.get(axis) as AxisValue[] })) };
}

/** The grid in canonical form, e.g. "prune=0,0.5 bits=8,4": equal for equal grids, whatever the order on the command line. */
export function gridKey(grid: Grid): string {
  return grid.axes.map((a) => `${a.axis}=${a.values.join(',')}`).join(' ');
}

/** Every cell of the grid, cell k at index k (file comment): the product of the axes' sizes in all. */
export function gridCells(grid: Grid): Cell[] {
  return grid.axes.reduce<Cell[]>((cells, { axis, values }) => cells.flatMap((c) => values.map((v) => ({ ...c, [axis]: v }))), [{}]);
}

/** A shard: this worker's index (from 0) and the number of workers. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `--shard i/n` (i from 0, i < n; absent: 0/1, the whole grid). In a Kubernetes Indexed Job
 * write `--shard $(JOB_COMPLETION_INDEX)/n` (Kubernetes expands it), in a shell `--shard "$JOB_COMPLETION_INDEX/n"`.
 */
export function parseShard(spec: string | undefined): Shard {
  if (spec === undefined) return { index: 0, count: 1 };
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new UsageError(`--shard ${spec}: expected i/n, this worker's index i (from 0) of n workers, e.g. --shard 0/4`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1) throw new UsageError(`--shard ${spec}: n must be at least 1`);
  if (index >= count) throw new UsageError(`--shard ${spec}: the index must be below n (0 to ${count - 1}); indices start at 0`);
  return { index, count };
}

/** The cells (by index) of `total` that shard `s` runs: k with k mod n = i, ascending. */
export function shardCells(total: number, s: Shard): number[] {
  const out: number[] = [];
  for (let k = s.index; k < total; k += s.count) out.push(k);
  return out;
}

/** "i/n", as a results line records its shard. */
export const shardText = (s: Shard) => `${s.index}/${s.count}`;
