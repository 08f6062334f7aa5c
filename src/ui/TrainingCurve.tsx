import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainingRun } from '../state/store';
import { formatPercent } from './format';

/**
 * A recovery's live curve: training loss (left axis) and top-1 agreement with the original in %
 * (right axis) against the optimizer step, one point per report from the worker. The figure is
 * named "Training curve"; its caption says where the run is, in words, for a screen reader too.
 */
export const TrainingCurve = memo(function TrainingCurve({ run }: { run: TrainingRun }) {
  const last = run.points.at(-1);
  const data = run.points.map((p) => ({ step: p.step, loss: p.loss, agreement: p.agreement * 100 }));
  // The drawing is hidden from assistive tech (the caption says where the run is), so it must take no focus either.
  const verb = run.method === 'distill' ? 'Distilled' : 'Fine-tuned';
  return (
    <figure className="chart training-curve" aria-label="Training curve" data-testid="training-curve"
      data-points={run.points.length} data-finished={run.finished} data-agreement={last?.agreement ?? ''} data-loss={last?.loss ?? ''}>
      <figcaption>
        {run.finished ? `${verb} on ${run.data}` : `${verb === 'Distilled' ? 'Distilling' : 'Fine-tuning'} on ${run.data}…`}{' '}
        <small aria-live="off">{last ? `step ${last.step}/${run.steps} · loss ${last.loss.toPrecision(3)} · agreement ${formatPercent(last.agreement)}` : ''}</small>
      </figcaption>
      <div aria-hidden="true">
        <ResponsiveContainer width="100%" height={140}>
          <LineChart data={data} accessibilityLayer={false} margin={{ top: 4, right: 4, bottom: 0, left: -18 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="step" type="number" domain={[0, run.steps]} tick={{ fontSize: 10 }} />
            <YAxis yAxisId="loss" tick={{ fontSize: 10 }} domain={[0, 'auto']} />
            <YAxis yAxisId="agreement" orientation="right" domain={[0, 100]} tick={{ fontSize: 10 }} unit="%" />
            <Tooltip formatter={(v, name) => (name === 'agreement %' ? `${Number(v).toFixed(1)} %` : Number(v).toPrecision(3))} labelFormatter={(s) => `step ${s}`} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Line yAxisId="loss" name="loss" dataKey="loss" stroke="var(--accent)" strokeDasharray="4 2" dot={false} isAnimationActive={false} />
            <Line yAxisId="agreement" name="agreement %" dataKey="agreement" stroke="var(--good)" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});
