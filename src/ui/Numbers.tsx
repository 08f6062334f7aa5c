import { describePlan } from '../model/describePlan';
import type { KerasOrigin } from '../runtime/protocol';
import { useStudio } from '../state/store';
import { formatBytes, formatCount, formatMs, formatPercent } from './format';
import { ratioRows, type Cell, type Row } from './ratioRows';
import { memoryText } from './memoryText';
import { useWorkerMemory } from '../state/memory';

const KERAS_FORMATS: Record<KerasOrigin['format'], string> = { 'keras3-zip': '.keras zip', hdf5: 'HDF5', 'weights-h5': 'weights-only HDF5 + config' };

/** Where a converted model came from, e.g. "Keras 3.14 file, converted in this page" (a trailing ".0" of the version dropped). */
export function originText(origin: KerasOrigin): string {
  const version = origin.kerasVersion === 'unknown' ? '' : ` ${origin.kerasVersion.replace(/^(\d+\.\d+)\.0$/, '$1')}`;
  return `Keras${version} file, converted in this page (${origin.file}, ${KERAS_FORMATS[origin.format]})`;
}

/** Baseline against current compression: every figure from the evaluated model and its files. */
export function Numbers() {
  const model = useStudio((s) => s.model);
  const ev = useStudio((s) => s.evaluation);
  const compressed = useStudio((s) => s.compressed);
  const cev = useStudio((s) => s.compressedEval);
  const plan = useStudio((s) => s.plan);
  const catalog = useStudio((s) => s.catalog);
  const modelId = useStudio((s) => s.modelId);
  const listed = catalog.find((m) => m.id === modelId);
  const memory = useWorkerMemory();
  if (!model) return <p className="placeholder">No model loaded yet.</p>;
  const original = model.size.raw;
  const pending: Cell = { text: '…' };
  const agrees = cev?.fidelity ? `, same top-1 on ${formatPercent(cev.fidelity.agreement)}` : '';
  // Unlabelled data: fidelity to the original (top-1 agreement, mean KL) takes the place of accuracy and loss.
  const quality: Row[] = ev && !ev.labelled ? [
    { name: 'agreement', base: { text: '100 %', raw: 1, note: `top-1 same as original, ${formatCount(ev.count)} images, no labels` },
      comp: cev?.fidelity ? { text: formatPercent(cev.fidelity.agreement), raw: cev.fidelity.agreement, note: `${((cev.fidelity.agreement - 1) * 100).toFixed(2)} points` } : pending },
    { name: 'KL', base: { text: '0', raw: 0, note: 'mean KL(original ‖ model), nats' },
      comp: cev?.fidelity ? { text: cev.fidelity.meanKl.toPrecision(3), raw: cev.fidelity.meanKl } : pending },
  ] : [
    { name: 'accuracy', base: ev ? { text: formatPercent(ev.accuracy), raw: ev.accuracy, note: `top-1, ${formatCount(ev.count)} images` } : pending,
      comp: cev ? { text: formatPercent(cev.accuracy), raw: cev.accuracy, note: ev ? `${((cev.accuracy - ev.accuracy) * 100).toFixed(2)} points${agrees}` : '' } : pending },
    { name: 'loss', base: ev ? { text: ev.loss.toFixed(4), raw: ev.loss } : pending, comp: cev ? { text: cev.loss.toFixed(4), raw: cev.loss, note: cev.fidelity ? `KL from original ${cev.fidelity.meanKl.toPrecision(3)}` : undefined } : pending },
  ];
  const rows: Row[] = [
    ...quality,
    { name: 'size', base: { text: formatBytes(original), raw: original, note: `${model.converted ? 'converted ' : ''}TF.js files (${model.size.files.length})` },
      comp: compressed ? { text: formatBytes(compressed.sizes.tfjs.raw), raw: compressed.sizes.tfjs.raw, note: `TF.js files · zip ${Number.isFinite(compressed.sizes.tfjs.zip) ? formatBytes(compressed.sizes.tfjs.zip) : '…'}` } : pending },
    { name: 'gzip', base: { text: formatBytes(model.size.gzip), raw: model.size.gzip, note: 'each file gzip -9' },
      // DEFLATE lengths arrive a moment after the other sizes: "…" until then.
      comp: compressed && Number.isFinite(compressed.sizes.tfjs.gzip) ? { text: formatBytes(compressed.sizes.tfjs.gzip), raw: compressed.sizes.tfjs.gzip } : pending },
    { name: 'compact', base: { text: formatBytes(model.compact.raw), raw: model.compact.raw, note: '.cstu file' },
      comp: compressed ? { text: formatBytes(compressed.sizes.compact.raw), raw: compressed.sizes.compact.raw } : pending },
    ...ratioRows(model, compressed ? { compact: compressed.sizes.compact.raw, tfjs: compressed.sizes.tfjs.raw } : undefined),
    { name: 'latency', base: ev ? { text: formatMs(ev.latency.medianMs), raw: ev.latency.medianMs, note: `batch 1 on ${ev.backend}, p90 ${formatMs(ev.latency.p90Ms)}` } : pending,
      comp: cev ? { text: formatMs(cev.latency.medianMs), raw: cev.latency.medianMs, note: `p90 ${formatMs(cev.latency.p90Ms)}` } : pending },
    { name: 'throughput', base: ev ? { text: `${Math.round(ev.throughput.imagesPerSec).toLocaleString('en-US')}/s`, raw: ev.throughput.imagesPerSec, note: `batch ${ev.throughput.batch}` } : pending,
      comp: cev ? { text: `${Math.round(cev.throughput.imagesPerSec).toLocaleString('en-US')}/s`, raw: cev.throughput.imagesPerSec } : pending },
    { name: 'FLOPs', base: compressed && Number.isFinite(compressed.flops.before) ? { text: formatCount(compressed.flops.before), raw: compressed.flops.before, note: 'per image' } : { text: '–' },
      comp: compressed ? { text: Number.isFinite(compressed.flops.after) ? formatCount(compressed.flops.after) : '–', raw: compressed.flops.after } : pending },
    { name: 'parameters', base: { text: formatCount(model.params), raw: model.params, note: `${model.layers.length} layers` },
      comp: compressed ? { text: formatCount(compressed.params), raw: compressed.params, note: `${formatPercent(compressed.sparsity, 1)} zeros` } : pending },
  ];
  return (
    <div className="numbers-panel">
      <h2 data-testid="model-name">{model.name}</h2>
      {model.converted && <p className="catalog-note" data-testid="model-origin">{originText(model.converted)}</p>}
      {listed && <p className="catalog-note">Catalog accuracy: {formatPercent(listed.accuracy)} on {listed.dataset}</p>}
      <table className="numbers-table">
        <thead><tr><th scope="col"><span className="sr-only">measure</span></th><th scope="col">original</th>{plan && <th scope="col" title={describePlan(plan)}>compressed</th>}</tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id ?? r.name}>
              <th scope="row">{r.name}</th>
              <td className="metric" data-testid={`metric-${r.id ?? r.name}`} data-value={r.base.raw}><span className="value">{r.base.text}</span>{r.base.note && <small>{r.base.note}</small>}</td>
              {plan && r.comp && <td className="metric" data-testid={`compressed-${r.id ?? r.name}`} data-value={r.comp.raw}><span className="value">{r.comp.text}</span>{r.comp.note && <small>{r.comp.note}</small>}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {memory && <p className="catalog-note" data-testid="memory" title="What the studio's worker holds: the model's weights decoded to float32; the distinct arrays it keeps for the model and its compression (opened files, decoded weights, compressed weights, export files); TF.js tensors (tf.memory()); its JS heap where the browser reports it">Memory: {memoryText(memory)}</p>}
      {compressed && compressed.skipped.length > 0 && (
        <p className="hint" role="note" data-testid="skipped">Not applied: {compressed.skipped.join('; ')}</p>
      )}
    </div>
  );
}
