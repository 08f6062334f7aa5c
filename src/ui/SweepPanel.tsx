import { useRef, useState } from 'react';
import type { ImportSummary } from '../state/importResults';
import { useStudio } from '../state/store';

const PRUNE = [0, 0.5, 0.7, 0.8, 0.9, 0.95];
const BITS: (number | 'f16')[] = [32, 'f16', 8, 6, 4, 2];
const bitsLabel = (b: number | 'f16') => (b === 'f16' ? 'float16' : b === 32 ? 'float32' : `${b}-bit`);

/** What an import added, in words: how many points the chart draws, and what to open to see the others. */
function importText(s: ImportSummary): string {
  const drawn = s.shown === s.added ? `all ${s.added} on the chart` : `${s.shown} of ${s.added} on the chart`;
  const others = s.elsewhere.length ? `; the others are of ${s.elsewhere.join(', ')}: select that model and data set to see them there (the table lists them all)` : '';
  const fewer = s.fewerSamples ? `; measured on the first ${s.fewerSamples.count} of ${s.fewerSamples.of} samples (sweep --limit), the studio's own points on all ${s.fewerSamples.of}` : '';
  return `Imported ${s.added} point${s.added === 1 ? '' : 's'} from ${s.file}: ${drawn}${others}${fewer}.`;
}

/**
 * A grid sweep of prune ratio × bit width: one chart point per cell, the Pareto front drawn; and
 * the import of a results file a CLI sweep wrote (results.jsonl, pareto.json) onto the same chart.
 */
export function SweepPanel() {
  const sweep = useStudio((s) => s.sweep);
  const runSweep = useStudio((s) => s.runSweep);
  const cancelSweep = useStudio((s) => s.cancelSweep);
  const model = useStudio((s) => s.model);
  const importResults = useStudio((s) => s.importResults);
  const [imported, setImported] = useState<ImportSummary>();
  const fileInput = useRef<HTMLInputElement>(null);
  const [prune, setPrune] = useState<number[]>([0.5, 0.8, 0.9]);
  const [bits, setBits] = useState<(number | 'f16')[]>([32, 8, 4]);
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const running = Boolean(sweep?.running);
  const left = running ? sweep?.secondsLeft : undefined;
  return (
    <fieldset className="card sweep" data-testid="sweep">
      <legend>Sweep</legend>
      <div className="chips" role="group" aria-label="Prune ratios to sweep">
        {PRUNE.map((p) => (
          <label key={p}><input type="checkbox" checked={prune.includes(p)} disabled={running} onChange={() => setPrune(toggle(prune, p))}
            aria-label={`Prune ${Math.round(p * 100)} %`} /> {Math.round(p * 100)} %</label>
        ))}
      </div>
      <div className="chips" role="group" aria-label="Bit widths to sweep">
        {BITS.map((b) => (
          <label key={String(b)}><input type="checkbox" checked={bits.includes(b)} disabled={running} onChange={() => setBits(toggle(bits, b))} /> {bitsLabel(b)}</label>
        ))}
      </div>
      {running ? (
        <div className="sweep-progress" data-testid="sweep-progress">
          <progress max={sweep?.total} value={sweep?.done} aria-label="Sweep progress" />
          <span aria-live="polite">{sweep?.done}/{sweep?.total}{left !== undefined ? ` · about ${left} s left` : ''} · {sweep?.message}</span>
          <button type="button" onClick={cancelSweep} data-testid="sweep-cancel">Cancel sweep</button>
        </div>
      ) : (
        <button type="button" data-testid="sweep-run" disabled={!model || prune.length === 0 || bits.length === 0}
          onClick={() => void runSweep([...prune].sort(), bits)}>
          Run {prune.length * bits.length} points
        </button>
      )}
      <div className="sweep-import">
        <input ref={fileInput} type="file" accept=".jsonl,.json,application/json" hidden data-testid="sweep-import-file"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = ''; // the same file again is a new import
            if (file) setImported(await importResults(file));
          }} />
        <button type="button" data-testid="sweep-import" title="Add the points of a results.jsonl or pareto.json from compression-studio sweep / merge"
          onClick={() => fileInput.current?.click()}>Import results…</button>
        {imported && <small role="status" data-testid="sweep-import-note">{importText(imported)}</small>}
      </div>
      {sweep && !running && <small data-testid="sweep-done">{sweep.done}/{sweep.total} points{sweep.message === 'cancelled' ? ' (cancelled)' : ''}</small>}
    </fieldset>
  );
}
