import { describePlan } from '../model/describePlan';
import { PRESET_LIST, presetCost } from '../model/presets';
import { currentDataset, useStudio } from '../state/store';
import { Charts } from './Charts';
import { ErrorBanner } from './ErrorBanner';
import { ErrorBoundary } from './ErrorBoundary';
import { headline } from './presentationFigures';
import { setPresenting } from './presentationMode';
import { ORIGINAL, stepOf } from './presentationSteps';
import { ProgressBar } from './ProgressBar';
import { StageView } from './StageView';
import type { Cell } from './ratioRows';

/** The current step's title and its one line: a preset's name, what it does and costs; the original; or the user's own plan. */
function useStepText(): { step: number | undefined; name: string; what: string; cost?: string } {
  const plan = useStudio((s) => s.plan);
  const modelName = useStudio((s) => s.model?.name);
  const step = stepOf(plan, PRESET_LIST);
  if (step === ORIGINAL) return { step, name: 'The original model', what: modelName ? `${modelName}, as opened: what every figure is compared with` : 'loading…' };
  if (step === undefined) return { step, name: 'Your own settings', what: plan ? describePlan(plan) : '', cost: plan ? presetCost(plan) : undefined };
  const p = PRESET_LIST[step];
  return { step, name: p.name, what: p.what, cost: presetCost(p.plan) };
}

/** One headline figure: a label, the value in large type (data-value: the raw number) and its note. */
function Figure({ id, label, cell }: { id: string; label: string; cell: Cell }) {
  return (
    <div className="present-figure" data-testid={`present-${id}`} data-value={cell.raw}>
      <span className="present-figure-label">{label}</span>
      <span className="present-figure-value">{cell.text}</span>
      {/* a blank note while "…" keeps the row's height, so nothing below jumps when the figures arrive */}
      <small>{cell.note ?? '\u00a0'}</small>
    </div>
  );
}

/**
 * The presentation view for a projector: the current preset (name, what it does, what it costs),
 * its measured headline figures, the accuracy-vs-size chart and the stage view, in large type, and
 * nothing else. Presets are stepped with the keyboard (presentationKeys.ts); the progress of a
 * preset still being measured shows at the foot, and its figures read "…" until they are measured.
 */
export function Presentation() {
  const model = useStudio((s) => s.model);
  const evaluation = useStudio((s) => s.evaluation);
  const plan = useStudio((s) => s.plan);
  const compressed = useStudio((s) => s.compressed);
  const compressedEval = useStudio((s) => s.compressedEval);
  const where = useStudio((s) => [currentDataset(s)?.name, s.backend?.detail].filter(Boolean).join(' · '));
  const h = headline({ model, evaluation, plan, compressed, compressedEval });
  const text = useStepText();
  const count = PRESET_LIST.length;
  const position = text.step === undefined ? 'own settings' : text.step === ORIGINAL ? `original · ${count} presets` : `preset ${text.step + 1} of ${count}`;
  return (
    <div className="present" data-testid="presentation" data-state={h.state} data-step={text.step ?? 'own'}>
      <header className="present-head">
        <div className="present-title">
          <p className="present-position">{position}{model ? ` · ${model.name}` : ''}{where ? ` · ${where}` : ''}</p>
          <h1 data-testid="present-name">{text.name}</h1>
          <p className="present-what" data-testid="present-what">{text.what}{text.cost && <span className="present-cost"> — {text.cost}</span>}</p>
        </div>
        <button type="button" className="present-leave" onClick={() => setPresenting(false)} aria-keyshortcuts="Escape">Leave (Esc)</button>
      </header>
      <ErrorBanner />
      <div className="present-figures" aria-label="Measured figures" role="group">
        <Figure id="ratio" label="smaller than opened" cell={h.ratio} />
        <Figure id="accuracy" label={h.metric === 'agreement' ? 'agreement' : 'accuracy'} cell={h.accuracy} />
        <Figure id="bytes" label={h.state === 'original' ? 'size opened' : 'compact file'} cell={h.bytes} />
      </div>
      <main className="present-main">
        <section className="present-chart" aria-label="Accuracy against size">
          <ErrorBoundary name="chart"><Charts variant="present" /></ErrorBoundary>
        </section>
        <section className="present-stages" aria-label="Stages">
          <ErrorBoundary name="stages"><StageView /></ErrorBoundary>
        </section>
      </main>
      <footer className="present-foot">
        <ProgressBar />
        <p className="present-keys"><kbd>←</kbd> <kbd>→</kbd> / <kbd>PgUp</kbd> <kbd>PgDn</kbd> presets · <kbd>Home</kbd> original · <kbd>Esc</kbd> leave</p>
      </footer>
    </div>
  );
}
