import { needsCalibrationData } from '../model/planFields';
import { recoveryOf, useStudio } from '../state/store';

const PHASES: Record<string, string> = {
  data: 'Loading data', accuracy: 'Measuring accuracy', latency: 'Measuring latency', throughput: 'Measuring throughput',
  loading: 'Opening the model', compressing: 'Compressing', exporting: 'Writing the export',
};
/** The label before a step's message: what the job is doing in that phase (evaluation phases say 'Evaluating'). */
const STEP_LABELS: Record<string, string> = { loading: 'Opening', compressing: 'Compressing', exporting: 'Exporting' };

/** Progress of the running job, with cancel; or what the studio is busy with. */
export function ProgressBar() {
  const progress = useStudio((s) => s.progress);
  const busy = useStudio((s) => s.busy);
  const cancel = useStudio((s) => s.cancel);
  // Training says how, by the plan: distilling from the original, or fine-tuning with labels.
  // Without recovery, the same phase is post-training calibration measuring the model on its data.
  const calibrating = useStudio((s) => !recoveryOf(s.plan) && needsCalibrationData(s.plan));
  const training = useStudio((s) => (calibrating ? 'Calibrating' : { distill: 'Distilling', finetune: 'Fine-tuning' }[recoveryOf(s.plan) ?? 'finetune']));
  const pct = progress ? Math.round(progress.fraction * 100) : undefined;
  const step = progress ? STEP_LABELS[progress.phase] : undefined;
  // The live region stays mounted and announces only phase changes, not every tick.
  const announcement = progress ? (progress.phase === 'training' ? training : PHASES[progress.phase] ?? 'Working') : busy ?? '';
  return (
    <div className={`progress${progress || busy ? '' : ' idle'}`}>
      <span className="sr-only" aria-live="polite">{announcement}</span>
      {(progress || busy) && (
        <div className="progress-row" data-testid="progress">
          <progress max={100} value={pct} aria-label={progress ? `${progress.phase === 'training' ? training : step ?? 'Evaluation'} progress` : busy} />
          <span className="progress-text">{progress ? `${progress.phase === 'training' ? (calibrating ? 'Calibrating' : 'Training') : step ?? 'Evaluating'}: ${progress.message} (${pct} %)` : busy}</span>
          {progress && <button type="button" onClick={cancel} data-testid="cancel">Cancel</button>}
        </div>
      )}
    </div>
  );
}
