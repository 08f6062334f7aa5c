/**
 * The stage-by-stage view of the current compression (original → structural → pruned →
 * quantized / clustered → coded): bytes and accuracy after each stage as a waterfall chart.
 * Minimal placeholder; the chart follows.
 */
import { useStudio } from '../state/store';

/** The stage view: reads the current plan from the store; no props. */
export function StageView() {
  const plan = useStudio((s) => s.plan);
  return (
    <section className="stage-view" data-testid="stage-view" aria-label="Compression stages">
      <p className="hint">{plan ? 'Stage by stage view of the current plan (coming).' : 'Choose a compression to see it stage by stage.'}</p>
    </section>
  );
}
