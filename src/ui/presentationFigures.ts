/**
 * The presentation view's three headline figures — size ratio against the files the user opened,
 * accuracy (or, without labels, agreement with the original) and bytes — from the same measured
 * values, with the same wording, as the numbers panel (ratioRows, formatPercent, formatBytes). Pure.
 */
import { compareSizes } from '../core/sizeRatio';
import type { CompressedSummary } from '../model/compress/session';
import type { CompressionPlan } from '../model/plan';
import type { EvalResult, LoadedModel } from '../runtime/protocol';
import { openedPhrase } from '../state/selectors';
import { formatBytes, formatPercent } from './format';
import { planKey } from './presentationSteps';
import { ratioRows, type Cell } from './ratioRows';

/** The headline: what it shows (the original, a measured compression, or one still being measured) and its three cells. */
export interface Headline {
  state: 'original' | 'measured' | 'pending' | 'none';
  /** how many times smaller than the opened files (compact file; raw = opened bytes ÷ compact bytes) */
  ratio: Cell;
  /** top-1 accuracy, or top-1 agreement with the original on unlabelled data (raw: a fraction) */
  accuracy: Cell;
  /** bytes of the compact file (the files opened, for the original) */
  bytes: Cell;
  /** 'accuracy', or 'agreement' on unlabelled data */
  metric: 'accuracy' | 'agreement';
}

/** What the headline reads from the store. */
export interface HeadlineInput {
  model?: Pick<LoadedModel, 'opened' | 'float32'>;
  evaluation?: Pick<EvalResult, 'labelled' | 'accuracy'>;
  plan?: CompressionPlan;
  compressed?: Pick<CompressedSummary, 'plan' | 'sizes'>;
  compressedEval?: Pick<EvalResult, 'labelled' | 'accuracy' | 'fidelity'>;
}

const PENDING: Cell = { text: '…' };

/**
 * The headline figures of the current state. With no plan: the original (1×, its measured
 * accuracy, the opened files' bytes). With a plan: the compression's figures only once the
 * compression of that very plan has been evaluated — until then (a preset still running, where
 * the store still holds the previous plan's compression) every cell is "…", never an older plan's.
 */
export function headline(s: HeadlineInput): Headline {
  const labelled = s.evaluation?.labelled ?? true;
  const metric = labelled ? 'accuracy' : 'agreement';
  if (!s.model) return { state: 'none', ratio: PENDING, accuracy: PENDING, bytes: PENDING, metric };
  const ev = s.evaluation;
  if (!s.plan) {
    return {
      state: ev ? 'original' : 'pending', metric,
      ratio: { ...ratioRows(s.model, undefined)[0].base, note: `the reference: ${openedPhrase(s.model)}` },
      accuracy: !ev ? PENDING : labelled ? { text: formatPercent(ev.accuracy), raw: ev.accuracy, note: 'top-1, the original' } : { text: '100 %', raw: 1, note: 'the original itself' },
      bytes: { text: formatBytes(s.model.opened.bytes), raw: s.model.opened.bytes, note: openedPhrase(s.model) },
    };
  }
  const c = s.compressed, cev = s.compressedEval;
  if (!c || !cev || planKey(c.plan) !== planKey(s.plan)) return { state: 'pending', ratio: PENDING, accuracy: PENDING, bytes: PENDING, metric };
  const sizes = { compact: c.sizes.compact.raw, tfjs: c.sizes.tfjs.raw };
  // The numbers panel's ratio cell (same value and text); its note shortened to the compact file's plain words.
  const cell = ratioRows(s.model, sizes)[0].comp ?? PENDING;
  const ratio = { ...cell, note: compareSizes(s.model.opened.bytes, sizes.compact, 'compact file', openedPhrase(s.model)) };
  const score = labelled ? cev.accuracy : cev.fidelity?.agreement ?? NaN;
  const points = labelled && ev ? `${((cev.accuracy - ev.accuracy) * 100).toFixed(2)} points` : 'top-1 same as the original';
  return {
    state: 'measured', metric, ratio,
    accuracy: { text: formatPercent(score), raw: score, note: points },
    bytes: { text: formatBytes(sizes.compact), raw: sizes.compact, note: 'compact file' },
  };
}
