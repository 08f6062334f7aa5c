/**
 * Joint Auto with measured combined levels. The greedy pick (auto.ts) adds single-layer drops,
 * which mislead when several layers are compressed together (their errors compound, or cancel).
 * So the whole plan is MEASURED (compressed at the chosen levels, evaluated on the sensitivity's
 * own samples) and the pick is redone for a scaled budget T·s:
 *   - measured drop over the target T: back off (s halves: fewer, milder moves);
 *   - within T: push further (s doubles) until a plan goes over or the pick stops changing;
 *   - then bisect s between the largest scale within T and the smallest over it.
 * Among every measured plan within T, the smallest (measured bytes) wins. Then the other quantizers
 * — data-free calibrations (minmax, mse, bias where there is BatchNorm) × per channel / per tensor —
 * are measured on the winner's levels; the best (within T and smaller, or losing less) is kept and
 * the search pushes further with it; then single layers are pushed one move at a time, measured.
 * With calibration data (options.calibrationData) 'output' joins the calibrations and the search
 * starts with it: its layer-output range, bias correction and least-squares refit of pruned
 * kernels make combined plans lose less than the data-free single-layer table says, so the scale
 * search pushes the budget (and pruning) further by measurement. Deterministic (a pure function
 * of the table and the measurements), cancellable (measure answers undefined), with progress.
 */
import type { CompressionPlan } from '../model/plan';
import type { JointCalibration, SensitivityResult } from '../runtime/protocol';
import { kb, layerLines, pickLevels, planOfLevels, points, type AutoChoice } from './auto';

/** A whole plan measured on the sensitivity's samples: its score (accuracy or agreement) and exact compact bytes. */
export interface Measured { score: number; bytes: number }

/** One measured plan of the search. */
export interface AutoStep {
  /** 'scale': a pick for budget T·s; 'quantizer': the winner's levels with another calibration or granularity; 'push': one layer moved further */
  kind: 'scale' | 'quantizer' | 'push';
  /** budget scale s (the pick was made for a drop of T·s) */
  scale: number;
  calibrate: JointCalibration;
  granularity: 'tensor' | 'channel';
  level: number[];
  estimate: { bytes: number; drop: number };
  measured: { bytes: number; drop: number };
}

/** A refined choice: the plan, its explanation, the estimate and what was measured, and every step. */
export interface RefinedChoice extends AutoChoice {
  measured: { bytes: number; drop: number };
  steps: AutoStep[];
  /** whether the measured drop is within the target */
  met: boolean;
}

export interface RefineOptions {
  /** most measurements of the scale search (default 8; 10 with calibration data, whose plans measure far under the estimate), before the calibration comparison */
  maxMeasures?: number;
  /** most measurements of the final layer-by-layer push (default 12; 24 with calibration data, whose push also tries prune steps) */
  maxPush?: number;
  /** called before each measurement: measurements done, planned, and what is measured */
  onStep?: (done: number, total: number, message: string) => void;
  /**
   * The name of the calibration data `measure` compresses 'output' plans with ("MNIST (training)");
   * undefined: no data, the data-free calibrations only (the explanation says what data would add).
   */
  calibrationData?: string;
}

/** The calibrations refineAuto tries: the table's data-free ones, and 'output' first when there is calibration data. */
export function jointCalibrations(r: SensitivityResult, calibrationData?: string): JointCalibration[] {
  const free = (r.joint?.calibrations ?? []).filter((c) => c !== 'output');
  return calibrationData ? ['output', ...free] : free;
}

/**
 * Joint Auto for an allowed drop `target.drop` (fraction), refined by measuring (file comment).
 * `measure(plan)` compresses and evaluates a whole plan; undefined = cancelled (then so is this).
 */
export async function refineAuto(r: SensitivityResult, target: { drop: number }, measure: (plan: CompressionPlan) => Promise<Measured | undefined>,
  options: RefineOptions = {}): Promise<RefinedChoice | undefined> {
  if (!r.joint) throw new Error('refineAuto needs a joint (prune × bits) sensitivity table');
  const T = target.drop;
  const data = options.calibrationData;
  const maxMeasures = options.maxMeasures ?? (data ? 10 : 8);
  const calibrations = jointCalibrations(r, data);
  const pushBudget = options.maxPush ?? (data ? 24 : 12);
  const total = maxMeasures + 2 * calibrations.length - 1 + 3 + pushBudget;
  const steps: AutoStep[] = [];
  const cache = new Map<string, AutoStep>();
  let done = 0;
  /** Measures the pick at scale s with quantizer `q` (a pick already measured with `q` is not measured again). */
  const at = async (s: number, q: Quant, given?: number[], kind: AutoStep['kind'] = 'scale'): Promise<AutoStep | undefined> => {
    const picked = given ? { level: given, estimate: estimateOf(r, given) } : pickLevels(r, { drop: T * s });
    const key = `${quantText(q)}:${picked.level.join(',')}`;
    const known = cache.get(key);
    if (known) return known;
    options.onStep?.(done++, total, `measuring the combined plan (budget ×${round(s)}, ${quantText(q)})`);
    const m = await measure(planOfLevels(r, picked.level, q));
    if (!m) return undefined;
    const step: AutoStep = { kind, scale: s, calibrate: q.calibrate, granularity: q.granularity, level: picked.level, estimate: picked.estimate, measured: { bytes: m.bytes, drop: r.baseline - m.score } };
    cache.set(key, step);
    steps.push(step);
    return step;
  };
  const within = (st: AutoStep) => st.measured.drop <= T + 1e-12;
  const pickKey = (s: number) => pickLevels(r, { drop: T * s }).level.join(',');

  /**
   * The scale search with `cal` from lo (a scale known within T) and hi (one known over), either
   * unknown, for at most `budget` measurements; false when cancelled.
   */
  const search = async (q: Quant, lo: number | undefined, hi: number | undefined, budget: number): Promise<boolean> => {
    const start = done;
    while (done - start < budget) {
      let s: number;
      if (lo === undefined && hi === undefined) s = 1;
      else if (lo === undefined) {
        if (hi === 0) break; // even the free moves alone are over: nothing milder to pick
        s = (hi as number) <= 1 / 16 ? 0 : (hi as number) / 2;
      } else if (hi === undefined) {
        // Push: the next doubling whose pick differs (an equal pick would measure the same plan).
        const base = pickKey(lo);
        s = Math.max(lo * 2, 1 / 16);
        while (s <= MAX_SCALE && pickKey(s) === base) s *= 2;
        if (s > MAX_SCALE) break; // every useful move is taken
      } else {
        if (hi - lo <= hi / 32) break;
        s = (lo + hi) / 2;
      }
      const st = await at(s, q);
      if (!st) return false;
      if (within(st)) lo = s; else hi = s;
    }
    return true;
  };

  const first: Quant = { calibrate: data ? 'output' : r.joint.grid.calibrate ?? 'mse', granularity: r.joint.grid.granularity ?? 'channel' };
  if (!(await search(first, undefined, undefined, maxMeasures))) return undefined;
  /** Whether measured plan a beats b: within the target before over it; then fewer bytes (within) or less loss (over). */
  const beats = (a: AutoStep, b: AutoStep) => (within(a) !== within(b) ? within(a)
    : within(a) ? a.measured.bytes < b.measured.bytes || (a.measured.bytes === b.measured.bytes && a.measured.drop < b.measured.drop) : a.measured.drop < b.measured.drop - 1e-12);
  const best = () => steps.reduce((a, b) => (beats(b, a) ? b : a));
  // The other quantizers (calibration × granularity) on the winner's levels; the best is kept, and pushed further.
  const winner = best();
  const compared: string[] = [`${quantText(winner)} ${lossText(winner.measured.drop)}, ${kb(winner.measured.bytes)} (searched with)`];
  let better: AutoStep | undefined;
  for (const calibrate of calibrations) {
    for (const granularity of ['channel', 'tensor'] as const) {
      const q = { calibrate, granularity };
      if (quantText(q) === quantText(winner)) continue;
      const st = await at(winner.scale, q, winner.level, 'quantizer');
      if (!st) return undefined;
      compared.push(`${quantText(q)} ${lossText(st.measured.drop)}, ${kb(st.measured.bytes)}`);
      if (beats(st, better ?? winner)) better = st;
    }
  }
  if (better) {
    const overScales = steps.filter((st) => st.kind === 'scale' && !within(st) && st.scale > winner.scale).map((st) => st.scale);
    const ok = within(better);
    const q = { calibrate: better.calibrate, granularity: better.granularity };
    if (!(await search(q, ok ? winner.scale : undefined, ok ? (overScales.length ? Math.min(...overScales) : undefined) : winner.scale, 3))) return undefined;
  }
  // Budget left: push layer by layer, each candidate move measured in the combined plan. With
  // calibration data, from the best 'output' plan within T (its refit leaves room to prune further
  // even when a data-free quantizer measured smaller on the searched levels), prune steps included.
  const onData = steps.filter((st) => st.calibrate === 'output' && within(st));
  let current = data && onData.length ? onData.reduce((a, b) => (beats(b, a) ? b : a)) : best();
  const pushStart = done;
  let taken = 0;
  while (within(current) && done - pushStart < pushBudget) {
    let accepted: { step: AutoStep; rate: number } | undefined;
    // Calibrated on data, the refit makes pruning cheaper than the data-free table says: also try one more prune step per layer.
    for (const level of candidateMoves(r, current.level, current.calibrate === 'output')) {
      if (done - pushStart >= pushBudget) break;
      const st = await at(current.scale, current, level, 'push');
      if (!st) return undefined;
      const saved = current.measured.bytes - st.measured.bytes;
      if (!within(st) || saved <= 0) continue;
      const rate = saved / Math.max(1e-9, st.measured.drop - current.measured.drop);
      if (!accepted || rate > accepted.rate) accepted = { step: st, rate };
    }
    if (!accepted) break;
    current = accepted.step;
    taken++;
  }
  const chosen = best();
  options.onStep?.(total, total, 'done');
  return explain(r, T, chosen, steps, compared, taken, data);
}

/**
 * From `level`, up to two candidates per layer, the other layers kept: that layer moved to the
 * level with the best estimated bytes saved per point lost (free moves by bytes saved), and to the
 * smaller level that loses least by the estimate (ties: most bytes saved), when they differ.
 * `pruneSteps` (joint tables): a third, the next larger prune ratio at the layer's bit width
 * (measured and smaller), whatever its estimate — for calibration on data, whose refit of the
 * kept weights compensates much of the pruning the data-free table charges for.
 */
export function candidateMoves(r: SensitivityResult, level: number[], pruneSteps = false): number[][] {
  const out: number[][] = [];
  level.forEach((cur, i) => {
    const bytesAt = (j: number) => (j < 0 ? r.baseBytes[i] : r.bytes[i][j]);
    const dropAt = (j: number) => (j < 0 ? 0 : Math.max(0, r.baseline - r.accuracy[i][j]));
    let rated: { j: number; rate: number; saved: number } | undefined;
    let mildest: { j: number; cost: number; saved: number } | undefined;
    for (let j = 0; j < r.levels.length; j++) {
      if (!Number.isFinite(r.accuracy[i][j]) || !Number.isFinite(r.bytes[i][j])) continue;
      const saved = bytesAt(cur) - bytesAt(j);
      if (saved <= 0) continue;
      const cost = dropAt(j) - dropAt(cur);
      const rate = cost <= 0 ? Infinity : saved / cost;
      if (!rated || rate > rated.rate || (rate === rated.rate && saved > rated.saved)) rated = { j, rate, saved };
      if (!mildest || cost < mildest.cost || (cost === mildest.cost && saved > mildest.saved)) mildest = { j, cost, saved };
    }
    const picks = rated && mildest && mildest.j !== rated.j ? [rated.j, mildest.j] : rated ? [rated.j] : [];
    const step = pruneSteps && r.joint && cur >= 0 ? nextPrune(r, i, cur) : undefined;
    if (step !== undefined && !picks.includes(step)) picks.push(step);
    for (const pick of picks) out.push(level.map((j, k) => (k === i ? pick : j)));
  });
  return out;
}

/** For layer i at joint cell `cur`: the cell with the next larger prune ratio at the same bits, when measured and smaller; else undefined. */
function nextPrune(r: SensitivityResult, i: number, cur: number): number | undefined {
  const cells = r.joint?.cells ?? [];
  let next: number | undefined;
  cells.forEach((c, j) => {
    if (c.bits !== cells[cur].bits || c.prune <= cells[cur].prune) return;
    if (next === undefined || c.prune < cells[next].prune) next = j;
  });
  const ok = next !== undefined && Number.isFinite(r.accuracy[i][next]) && r.bytes[i][next] < r.bytes[i][cur];
  return ok ? next : undefined;
}

/** A joint plan's quantizer, fully given. */
type Quant = { calibrate: JointCalibration; granularity: 'tensor' | 'channel' };
/** "mse range per channel", "output range per channel" */
const quantText = (q: Quant) => `${q.calibrate} range per ${q.granularity}`;
/** What calibration on data does, in words. */
const OUTPUT_TEXT = "'output': layer-output range, bias correction and a least-squares refit of pruned weights";

/** The explanation's note on calibration data: which data the chosen plan calibrates on, or that 'output' would need some. */
export function calibrationNote(chosen: JointCalibration, calibrationData?: string): string {
  if (!calibrationData) return `; calibration on data (${OUTPUT_TEXT}) not tried: it needs calibration data (the training split or your images) and a TF.js layers model`;
  return chosen === 'output' ? `; the plan calibrates on ${calibrationData} — ${OUTPUT_TEXT} (the single-layer table is data-free)`
    : `; calibration on ${calibrationData} (${OUTPUT_TEXT}) tried, not chosen`;
}
const round = (s: number) => Number(s.toPrecision(3));
/** Largest budget scale the push tries (64 × the target). */
const MAX_SCALE = 64;
const lossText = (d: number) => (d <= 0 ? 'no loss' : `−${points(d)}`);

/** Estimate (bytes, summed drop) of a given level vector, as pickLevels computes it. */
function estimateOf(r: SensitivityResult, level: number[]): { bytes: number; drop: number } {
  let bytes = r.totalBytes;
  let drop = 0;
  level.forEach((j, i) => {
    if (j < 0) return;
    bytes += r.bytes[i][j] - r.baseBytes[i];
    drop += Math.max(0, r.baseline - r.accuracy[i][j]);
  });
  return { bytes, drop };
}

function explain(r: SensitivityResult, T: number, chosen: AutoStep, steps: AutoStep[], compared: string[], taken: number, data?: string): RefinedChoice {
  const metric = r.metric === 'agreement' ? 'agreement' : 'accuracy';
  const met = chosen.measured.drop <= T + 1e-12;
  const drop = lossText;
  const summary = `Target at most ${points(T)} of ${metric} lost${met ? '' : ' — not met by any measured plan; the one losing least is applied'}: `
    + `measured ${kb(chosen.measured.bytes)} (from ${kb(r.totalBytes)}), ${drop(chosen.measured.drop)} on the same ${r.count.toLocaleString('en-US')} images; `
    + `estimated ${kb(chosen.estimate.bytes)}, ${drop(chosen.estimate.drop)} (single-layer drops added up); quantizer ${quantText(chosen)}`
    + (compared.length > 1 ? `; quantizers compared on one set of levels: ${compared.join(', ')}` : '')
    + calibrationNote(chosen.calibrate, data)
    + (r.joint?.calibrations.includes('bias') ? '' : '; data-free bias correction not tried: no BatchNorm layers') + '.';
  const scales = steps.filter((st) => st.kind === 'scale');
  const pushes = steps.filter((st) => st.kind === 'push');
  const search = `Search, ${steps.length} combined plans measured: budget ` + scales.map((st) =>
    `×${round(st.scale)} (${quantText(st)}) estimated ${drop(st.estimate.drop)} → measured ${drop(st.measured.drop)}, ${kb(st.measured.bytes)}${st.measured.drop <= T + 1e-12 ? '' : ' (over)'}`).join('; ')
    + (pushes.length ? `; then ${pushes.length} single-layer moves measured in the combined plan, ${taken} kept` : '') + '.';
  const plan = planOfLevels(r, chosen.level, chosen);
  const lines = layerLines(r, chosen.level, 'every level costs more than the budget left');
  return { plan, explanation: [summary, search, ...lines], estimate: chosen.estimate, measured: chosen.measured, steps, met };
}
