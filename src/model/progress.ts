/**
 * Progress of one long step (loading a model, compressing it, writing an export), reported by the
 * model-side functions through an optional callback: `fraction` is the share of the step done
 * (0–1), `message` what it is doing now ("Quantizing mixed_7c/conv (183/189)"). Functions take it
 * as `onStep?: OnStep` and behave exactly as before without it. A step made of parts hands each
 * part a `within(onStep, from, to)` so that its own 0–1 maps onto its share of the whole, and the
 * worker wraps the whole in `throttled` so the page gets at most one event per 100 ms (and the
 * last one, at 1) however many layers report.
 */

/**
 * A step's progress callback: `fraction` of it done (0–1) and what it is doing now. `tick` marks
 * one item of a loop (a layer, a file), which a throttle may drop; an event without it starts a
 * part of the step that may run long, and is always passed on.
 */
export type OnStep = (fraction: number, message: string, tick?: boolean) => void;

/**
 * The callback a part of a step gets: its fraction f (0–1) reported as from + f·(to − from) of
 * the whole. Undefined in, undefined out (no progress wanted: nothing is computed for it).
 */
export function within(onStep: OnStep | undefined, from: number, to: number): OnStep | undefined {
  if (!onStep) return undefined;
  return (fraction, message, tick) => onStep(from + Math.min(1, Math.max(0, fraction)) * (to - from), message, tick);
}

/**
 * Reports `count` items of a loop: item i (0-based) starting is fraction i / count. Returns a
 * function to call at the start of each item with its label, e.g. `each(i, 'Quantizing conv1')`,
 * which reports "Quantizing conv1 (i+1/count)" — as a tick (a throttle may drop it: many short
 * items, such as tensors), or with `tick` false as a step start (few items that may each run long,
 * such as files to gzip).
 */
export function counter(onStep: OnStep | undefined, count: number, tick = true): (i: number, label: string) => void {
  if (!onStep || count <= 0) return () => {};
  return (i, label) => onStep(i / count, `${label} (${i + 1}/${count})`, tick);
}

/**
 * `onStep` with at most one loop item (`tick`) per `minMs` (ms): a tick passes only ≥ minMs after
 * the last event passed; every other event (the start of a part that may run long: dropping it
 * would leave the previous message on screen meanwhile) and the end (fraction 1) always pass.
 * Fractions never go down: a smaller one is raised to the largest seen. `now` is the clock in ms.
 */
export function throttled(onStep: OnStep, minMs = 100, now: () => number = () => performance.now()): OnStep {
  let last = -Infinity;
  let top = 0;
  return (fraction, message, tick) => {
    top = Math.max(top, Math.min(1, fraction));
    const t = now();
    if (tick && top < 1 && t - last < minMs) return;
    last = t;
    onStep(top, message, tick);
  };
}
