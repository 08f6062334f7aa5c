import { useStudio } from '../state/store';

/** Progress of the running job, with cancel; or what the studio is busy with. */
export function ProgressBar() {
  const progress = useStudio((s) => s.progress);
  const busy = useStudio((s) => s.busy);
  const cancel = useStudio((s) => s.cancel);
  if (!progress && !busy) return <div className="progress idle" aria-hidden="true" />;
  const pct = progress ? Math.round(progress.fraction * 100) : undefined;
  return (
    <div className="progress" data-testid="progress">
      <progress max={100} value={pct} aria-label={progress ? 'Evaluation progress' : busy} />
      <span className="progress-text" aria-live="polite">{progress ? `Evaluating: ${progress.message} (${pct} %)` : busy}</span>
      {progress && <button type="button" onClick={cancel} data-testid="cancel">Cancel</button>}
    </div>
  );
}
