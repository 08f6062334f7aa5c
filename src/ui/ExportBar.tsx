import { useStudio } from '../state/store';
import { formatBytes } from './format';

/** Downloads of the current compression: exactly the files whose sizes the studio shows. */
export function ExportBar() {
  const compressed = useStudio((s) => s.compressed);
  const download = useStudio((s) => s.download);
  const busy = useStudio((s) => Boolean(s.progress));
  return (
    <div className="export-bar" role="group" aria-label="Export">
      <span>Export the compressed model:</span>
      <button type="button" data-testid="export-tfjs" disabled={!compressed || busy} onClick={() => void download('tfjs-zip')}>
        TF.js .zip{compressed ? ` (${formatBytes(compressed.sizes.tfjs.zip)})` : ''}
      </button>
      <button type="button" data-testid="export-compact" disabled={!compressed || busy} onClick={() => void download('compact')}>
        Compact .cstu{compressed ? ` (${formatBytes(compressed.sizes.compact.raw)})` : ''}
      </button>
      {!compressed && <small>Move a control to compress the model first.</small>}
      {compressed && compressed.fallbacks.length > 0 && <small title={compressed.fallbacks.join('\n')}>{compressed.fallbacks.length} tensors stored as float32 in TF.js (not exactly representable)</small>}
    </div>
  );
}
