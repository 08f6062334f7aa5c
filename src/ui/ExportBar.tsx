import { useStudio } from '../state/store';
import { saveBlob } from '../state/saveBlob';
import { svgToPngBlob } from './chartPng';
import { formatBytes } from './format';

const SNIPPET_TFJS = `import * as tf from '@tensorflow/tfjs';
// unzip model-tfjs.zip next to your page, then:
const model = await tf.loadLayersModel('model/model.json');
const probabilities = model.predict(tf.zeros([1, 28, 28, 1]));`;
const SNIPPET_COMPACT = `import { loadCompressedModel } from './loadCompressedModel'; // src/model/export in this repo
const model = await loadCompressedModel('model.cstu');
const probabilities = model.predict(tf.zeros([1, 28, 28, 1]));`;

/** Downloads: the current compression in both formats (exactly the measured files), the report, the chart. */
export function ExportBar() {
  const compressed = useStudio((s) => s.compressed);
  const points = useStudio((s) => s.points);
  const download = useStudio((s) => s.download);
  const downloadReport = useStudio((s) => s.downloadReport);
  const reportError = useStudio((s) => s.reportError);
  const busy = useStudio((s) => Boolean(s.progress) || Boolean(s.sweep?.running));
  const savePng = async () => {
    const svg = document.querySelector<SVGSVGElement>('[data-testid=charts] figure .recharts-wrapper > svg.recharts-surface');
    if (!svg) return;
    try {
      saveBlob(await svgToPngBlob(svg), 'accuracy-vs-size.png');
    } catch (e) {
      reportError('Could not save the chart', e);
    }
  };
  return (
    <div className="export-bar" role="group" aria-label="Export">
      <span>Model:</span>
      <button type="button" data-testid="export-tfjs" disabled={!compressed || busy} onClick={() => void download('tfjs-zip')}>
        TF.js .zip{compressed ? ` (${formatBytes(compressed.sizes.tfjs.zip)})` : ''}
      </button>
      <button type="button" data-testid="export-compact" disabled={!compressed || busy} onClick={() => void download('compact')}>
        Compact .cstu{compressed ? ` (${formatBytes(compressed.sizes.compact.raw)})` : ''}
      </button>
      <span>Report:</span>
      <button type="button" data-testid="export-json" disabled={points.length === 0} onClick={() => downloadReport('json')}>JSON</button>
      <button type="button" data-testid="export-csv" disabled={points.length === 0} onClick={() => downloadReport('csv')}>CSV</button>
      <button type="button" data-testid="export-png" disabled={points.length === 0} onClick={() => void savePng()}>Chart PNG</button>
      {!compressed && <small>Move a control to compress the model first.</small>}
      {compressed && compressed.fallbacks.length > 0 && <small title={compressed.fallbacks.join('\n')}>{compressed.fallbacks.length} tensors stored as float32 in TF.js (not exactly representable)</small>}
      {compressed && (
        <details className="snippet">
          <summary>Load it in your app</summary>
          <pre data-testid="snippet-tfjs"><code>{SNIPPET_TFJS}</code></pre>
          <pre><code>{SNIPPET_COMPACT}</code></pre>
        </details>
      )}
    </div>
  );
}
