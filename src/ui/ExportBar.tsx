import { useMemo, useState, type RefObject } from 'react';
import { currentDataset, useStudio } from '../state/store';
import { saveBlob } from '../state/saveBlob';
import { loadSnippets } from '../state/snippet';
import { studioMetadataFile } from '../state/exportMetadata';
import { svgToPngBlob } from './chartPng';
import { formatBytes } from './format';
import { zipBytesWith } from '../model/export/exportFiles';

/**
 * Downloads: the current compression in both formats (exactly the measured files) and, for a model
 * opened from a Keras file, as a Keras file again (the compressed weights in its own config); the report, the
 * chart (the SVG `sizeChartRef` points at, as a PNG); metadata.json (plan, measured figures, class
 * names) beside either export; and code that loads the export, for the loaded model's input shape,
 * the data set's preprocessing and its class names.
 */
/** The Keras export's button text: the file type it writes (a legacy .h5 goes back as .h5; a weights-only file's layout decides). */
const kerasLabel = (format: string) => (format === 'keras3-zip' ? 'Keras .keras' : format === 'hdf5' ? 'Keras .h5' : 'Keras file');

export function ExportBar({ sizeChartRef }: { sizeChartRef?: RefObject<SVGSVGElement | null> }) {
  const compressed = useStudio((s) => s.compressed);
  const points = useStudio((s) => s.points);
  const download = useStudio((s) => s.download);
  const downloadReport = useStudio((s) => s.downloadReport);
  const reportError = useStudio((s) => s.reportError);
  const busy = useStudio((s) => Boolean(s.progress) || Boolean(s.sweep?.running));
  const model = useStudio((s) => s.model);
  const dataset = useStudio(currentDataset);
  const snippets = useMemo(() => (model ? loadSnippets(model, dataset) : undefined), [model, dataset]);
  // metadata.json inside the TF.js zip (off by default: the zip is then exactly the measured export).
  const [zipMetadata, setZipMetadata] = useState(false);
  const evaluation = useStudio((s) => s.evaluation);
  const compressedEval = useStudio((s) => s.compressedEval);
  const datasets = useStudio((s) => s.datasets);
  const datasetId = useStudio((s) => s.datasetId);
  // metadata.json for the zip, made once per shown compression: the file the size is measured on is the file downloaded.
  const zipExtra = useMemo(() => {
    if (!compressed || !zipMetadata) return undefined;
    try {
      return studioMetadataFile({ model, compressed, evaluation, compressedEval, datasets, datasetId }, new Date());
    } catch {
      return undefined;
    }
  }, [compressed, zipMetadata, evaluation, compressedEval, model, datasets, datasetId]);
  const zipBytes = compressed && (zipMetadata ? (zipExtra ? zipBytesWith(compressed.sizes.tfjs.zip, zipExtra) : NaN) : compressed.sizes.tfjs.zip);
  const saveMetadata = () => {
    try {
      const file = studioMetadataFile(useStudio.getState(), new Date());
      if (!file) throw new Error('the compression is still being measured; save metadata.json when it is done');
      saveBlob(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: 'application/json' }), file.name);
    } catch (e) {
      reportError('Could not save metadata.json', e);
    }
  };
  const savePng = async () => {
    const svg = sizeChartRef?.current;
    if (!svg) {
      reportError('Could not save the chart', 'the accuracy-vs-size chart is not drawn yet; wait for the first point');
      return;
    }
    try {
      saveBlob(await svgToPngBlob(svg), 'accuracy-vs-size.png');
    } catch (e) {
      reportError('Could not save the chart', e);
    }
  };
  return (
    <div className="export-bar" role="group" aria-label="Export">
      <span>Model:</span>
      <button type="button" data-testid="export-tfjs" disabled={!compressed || busy || (zipMetadata && !zipExtra)} onClick={() => void download('tfjs-zip', zipExtra ? { extra: zipExtra } : undefined)}>
        TF.js .zip{compressed && Number.isFinite(zipBytes) ? ` (${formatBytes(Number(zipBytes))})` : ''}
      </button>
      <label className="zip-metadata" title="Add metadata.json (the plan, the measured accuracy, sizes and latency, the data set's preprocessing and class names) to the TF.js .zip">
        <input type="checkbox" data-testid="zip-metadata" checked={zipMetadata} onChange={(e) => setZipMetadata(e.target.checked)} /> with metadata.json
      </label>
      <button type="button" data-testid="export-compact" disabled={!compressed || busy} onClick={() => void download('compact')}>
        Compact .cstu{compressed ? ` (${formatBytes(compressed.sizes.compact.raw)})` : ''}
      </button>
      {model?.converted && (
        <button type="button" data-testid="export-keras" disabled={!compressed || busy} onClick={() => void download('keras')}
          title={`The compressed weights written back into ${model.converted.file}'s own config and weight layout (a .keras zip for a Keras 3 file, a legacy .h5 for a legacy .h5 file), to load in Python with keras.saving.load_model. Only for plans that keep the architecture (not structural pruning or low-rank).`}>
          {kerasLabel(model.converted.format)}
        </button>
      )}
      <button type="button" data-testid="export-metadata" disabled={!compressed || busy} onClick={saveMetadata}
        title="metadata.json: the plan, the measured accuracy, sizes and latency, the data set and its preprocessing, and the class names — to keep beside the TF.js or compact files">
        metadata.json
      </button>
      <span>Report:</span>
      <button type="button" data-testid="export-json" disabled={points.length === 0} onClick={() => downloadReport('json')}>JSON</button>
      <button type="button" data-testid="export-csv" disabled={points.length === 0} onClick={() => downloadReport('csv')}>CSV</button>
      <button type="button" data-testid="export-png" disabled={points.length === 0} onClick={() => void savePng()}>Chart PNG</button>
      {!compressed && <small>Move a control to compress the model first.</small>}
      {compressed && compressed.fallbacks.length > 0 && <small title={compressed.fallbacks.join('\n')}>{compressed.fallbacks.length} tensors stored as float32 in TF.js (not exactly representable)</small>}
      {compressed && snippets && (
        <details className="snippet">
          <summary>Load it in your app</summary>
          <pre data-testid="snippet-tfjs"><code>{snippets.tfjs}</code></pre>
          <pre data-testid="snippet-compact"><code>{snippets.compact}</code></pre>
        </details>
      )}
    </div>
  );
}
