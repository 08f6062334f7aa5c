import { useStudio } from '../state/store';

const PHASES: Record<string, string> = { data: 'Loading data', training: 'Fine-tuning', accuracy: 'Measuring accuracy', latency: 'Measuring latency', throughput: 'Measuring throughput' };

/** Progress of the running job, with cancel; or what the studio is busy with. */
export function ProgressBar() {
  const progress = useStudio((s) => s.progress);
  const busy = useStudio((s) => s.busy);
  const cancel = useStudio((s) => s.cancel);
  const pct = progress ? Math.round(progress.fraction * 100) : undefined;
  // The live region stays mounted and announces only phase changes, not every tick.
  const announcement = progress ? PHASES[progress.phase] ?? 'Working' : busy ?? '';
  return (
    <div className={`progress${progress || busy ? '' : ' idle'}`}>
      <span className="sr-only" aria-live="polite">{announcement}</span>
      {(progress || busy) && (
        <div className="progress-row" data-testid="progress">
          <progress max={100} value={pct} aria-label={progress ? `${progress.phase === 'training' ? 'Fine-tuning' : 'Evaluation'} progress` : busy} />
          <span className="progress-text">{progress ? `${progress.phase === 'training' ? 'Training' : 'Evaluating'}: ${progress.message} (${pct} %)` : busy}</span>
          {progress && <button type="button" onClick={cancel} data-testid="cancel">Cancel</button>}
        </div>
      )}
    </div>
  );
}
