import { useStudio } from '../state/store';
import { formatBytes, formatCount, formatMs, formatPercent } from './format';

/** The current model's measurements, each with its unit and where it comes from. */
export function Numbers() {
  const model = useStudio((s) => s.model);
  const ev = useStudio((s) => s.evaluation);
  const catalog = useStudio((s) => s.catalog);
  const modelId = useStudio((s) => s.modelId);
  const listed = catalog.find((m) => m.id === modelId);
  if (!model) return <p className="placeholder">No model loaded yet.</p>;
  const rows: [string, string, string, string?][] = [
    ['accuracy', ev ? formatPercent(ev.accuracy) : '…', `top-1 on ${ev ? `${formatCount(ev.count)} images of ${ev.dataset}` : 'the validation set'}`, ev ? String(ev.accuracy) : undefined],
    ['loss', ev ? ev.loss.toFixed(4) : '…', 'mean cross-entropy'],
    ['size', formatBytes(model.size.raw), `${formatCount(model.size.raw)} B in ${model.size.files.length} files`, String(model.size.raw)],
    ['gzip', formatBytes(model.size.gzip), 'each file gzip -9', String(model.size.gzip)],
    ['latency', ev ? formatMs(ev.latency.medianMs) : '…', ev ? `batch 1, median of ${ev.latency.runs} on ${ev.backend}; p90 ${formatMs(ev.latency.p90Ms)}` : 'batch 1', ev ? String(ev.latency.medianMs) : undefined],
    ['throughput', ev ? `${Math.round(ev.throughput.imagesPerSec).toLocaleString('en-US')} img/s` : '…', ev ? `batch ${ev.throughput.batch}` : ''],
    ['parameters', formatCount(model.params), `${model.layers.length} layers`],
  ];
  return (
    <div className="numbers-panel">
      <h2 data-testid="model-name">{model.name}</h2>
      {listed && <p className="catalog-note">Catalog accuracy: {formatPercent(listed.accuracy)} on {listed.dataset}</p>}
      <dl>
        {rows.map(([name, value, note, raw]) => (
          <div key={name} className="metric" data-testid={`metric-${name}`} data-value={raw}>
            <dt>{name}</dt><dd><span className="value">{value}</span><small>{note}</small></dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
