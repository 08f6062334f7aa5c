/**
 * The numbers table's ratio rows, from the loaded model's reference sizes and the compression's
 * export sizes (bytes). Pure, so the wording is tested without rendering.
 */
import { compareSizes, formatRatio, sizeRatio } from '../core/sizeRatio';
import type { LoadedModel } from '../runtime/protocol';
import { openedPhrase } from '../state/selectors';
import { formatBytes } from './format';

/** One cell of the numbers table: its text, the raw value (data-value) and a note under it. */
export type Cell = { text: string; raw?: number; note?: string };
/** One row: its label, test id (default: the label), the original's cell and the compression's. */
export type Row = { name: string; id?: string; base: Cell; comp?: Cell };

/** A ratio cell's text: "2.41×", or "–" when unknown. */
const times = (r: number) => `${formatRatio(r)}×`;

/**
 * The two ratio rows, reference ÷ export: against the files the model was opened from (the
 * baseline: 1×) and against its float32 TF.js files (the baseline: how far the opened files
 * already are from float32). An export larger than the opened files is said in words.
 */
export function ratioRows(model: Pick<LoadedModel, 'opened' | 'float32'>, sizes: { compact: number; tfjs: number } | undefined): Row[] {
  const opened = model.opened.bytes, float32 = model.float32.raw;
  const against = openedPhrase(model);
  const what = model.opened.kind === 'keras' ? 'Keras file' : `TF.js files (${model.opened.files.length})`;
  const pending: Cell = { text: '…' };
  const openedBase = sizeRatio(float32, opened);
  const vsOpened = (s: { compact: number; tfjs: number }): Cell => {
    const r = sizeRatio(opened, s.compact);
    return { text: times(r), raw: r, note: `${compareSizes(opened, s.compact, 'compact file', against)}; ${compareSizes(opened, s.tfjs, 'TF.js files', against)}` };
  };
  const vsFloat32 = (s: { compact: number; tfjs: number }): Cell => {
    const r = sizeRatio(float32, s.compact);
    return { text: times(r), raw: r, note: `float32 TF.js ÷ compact; TF.js files ${times(sizeRatio(float32, s.tfjs))}` };
  };
  return [
    { name: 'ratio', base: { text: '1×', raw: 1, note: `vs ${against}: ${what}, ${formatBytes(opened)}` }, comp: sizes ? vsOpened(sizes) : pending },
    { name: 'vs float32', id: 'ratio-float32', base: { text: times(openedBase), raw: openedBase, note: `float32 TF.js files (${formatBytes(float32)}) ÷ ${against}` },
      comp: sizes ? vsFloat32(sizes) : pending },
  ];
}
