/**
 * What each stage of the stage view did, in a few words, read off the stage's own tensors and
 * records (so the text cannot drift from the bytes): "70.0 % of weights zero; float32 non-zeros,
 * CSR index on 3 of 6 tensors", "4-bit codes", "Huffman on 4 of 6 tensors; relative index (b = 5)".
 */
import { planTensorRecord } from '../../core';
import { bitsFor } from '../../core/coding/bits';
import type { CompressionPlan } from '../planTypes';
import type { CompressedModel, CompressedTensor } from '../weights';
import { plainRecord, type StageId } from './stagePlans';

const count = (n: number) => n.toLocaleString('en-US');
const weightsOf = (m: CompressedModel) => m.tensors.reduce((a, t) => a + t.values.length, 0);

/** Share of exact zeros over every weight of `m` (−0 counts as zero), 0–1. */
export function zeroShare(m: CompressedModel): number {
  let zeros = 0;
  for (const t of m.tensors) for (let i = 0; i < t.values.length; i++) if (t.values[i] === 0) zeros++;
  const n = weightsOf(m);
  return n ? zeros / n : 0;
}

/** "CSR index on 3 of 6 tensors" for the plain records of `m`, or '' when every tensor is dense. */
function plainIndex(m: CompressedModel): string {
  const csr = m.tensors.filter((t) => plainRecord(t).index === 'csr').length;
  return csr ? `CSR index on ${csr} of ${m.tensors.length} tensors` : '';
}

/** How a tensor's values are stored: "4-bit codes", "32 shared values (5-bit indices)", "float16" (undefined: float32). */
function valueForm(t: CompressedTensor): string | undefined {
  const p = t.payload;
  if (p.kind === 'affine') return `${p.bits}-bit codes`;
  if (p.kind === 'codebook') return `${p.codebook.length} shared values (${bitsFor(p.codebook.length)}-bit indices)`;
  if (p.kind === 'float16') return 'float16';
  return undefined;
}

/**
 * What the step to stage `id` did, read off its model `m` (and, for a structural stage, the
 * original's weight count and which structural steps `plan` asks for), with the plain coding of
 * the stages before 'coded'.
 */
export function describeStage(id: StageId, m: CompressedModel, original?: CompressedModel, plan?: CompressionPlan): string {
  const index = plainIndex(m);
  if (id === 'original') return `${count(weightsOf(m))} weights as float32`;
  if (id === 'structural') {
    const layers = Object.values(plan?.layers ?? {});
    const how = [plan?.channels || layers.some((o) => o.channels !== undefined) ? 'units cut' : '', plan?.lowRank || layers.some((o) => o.rank) ? 'layers factorised' : ''].filter(Boolean);
    return `${count(weightsOf(original ?? m))} → ${count(weightsOf(m))} weights${how.length ? ` (${how.join(', ')})` : ''}`;
  }
  if (id === 'pruned') return `${(zeroShare(m) * 100).toFixed(1)} % of weights zero; float32 non-zeros${index ? `, ${index}` : ', dense'}`;
  const forms = new Map<string, number>();
  for (const t of m.tensors) {
    const f = valueForm(t);
    if (f) forms.set(f, (forms.get(f) ?? 0) + t.values.length);
  }
  const named = [...forms.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  const values = named.length > 3 ? `${named.slice(0, 3).join(', ')} and ${named.length - 3} more` : named.join(', ');
  return [values || 'float32 values', index].filter(Boolean).join('; ') + ' (fixed width)';
}

/** What the coding step (the exported file's records) did: Huffman and relative-index use, with the gap widths b. */
export function describeCoding(m: CompressedModel): string {
  const plans = m.tensors.map((t) => planTensorRecord(t.payload));
  const huffman = plans.filter((p) => p.entropy === 'huffman').length;
  const relative = plans.filter((p) => p.index === 'relative');
  const gaps = [...new Set(relative.map((p) => p.gapBits))].sort((a, b) => a - b);
  const csr = plans.filter((p) => p.index === 'csr').length;
  const parts = [
    huffman ? `Huffman on ${huffman} of ${plans.length} tensors` : '',
    relative.length ? `relative index (b = ${gaps.join(', ')}) on ${relative.length}` : '',
    csr ? `CSR index on ${csr}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'the smallest record per tensor (no entropy coding or sparse index pays here)';
}
