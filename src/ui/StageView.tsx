/**
 * The stage-by-stage view of the current compression, Deep Compression's figure 1 for any plan:
 * original → structural → pruned → quantized / clustered → coded, one bar per stage on a log axis
 * of compact-file bytes (each step down is the factor it gained), labelled with bytes and ×ratio,
 * and top-1 after each stage as a line. The last bar is the compact file the export bar downloads,
 * byte for byte. A table beneath (in a <details>) gives every number and what each step did.
 * "Show stages" measures them (a few evaluations); from then on, and in the presentation view,
 * each new compression is measured stage by stage too.
 */
import { useEffect, useMemo, useRef } from 'react';
import { Bar, CartesianGrid, ComposedChart, LabelList, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { currentStages, stagesReady } from '../state/slices/stages';
import { useStudio } from '../state/store';
import { formatBytes, formatCount, formatPercent } from './format';
import { usePresenting } from './presentationMode';
import { decades, decadeTicks, stageRows, type StageRow } from './stageRows';

function StageTip({ active, payload }: { active?: boolean; payload?: { payload: StageRow }[] }) {
  if (!active || !payload?.length) return null;
  const r = payload[0].payload;
  return (
    <div className="chart-tip">
      <strong>{r.name}</strong>: {r.bytesText} ({r.ratioText}){r.savedText && `, ${r.savedText}`}
      <div>{r.what}</div>
      <div>top-1 {r.accuracyText}{r.when && ` (${r.when})`}</div>
    </div>
  );
}

/** An x-axis tick: the stage's name over its ratio to the original. */
function StageTick({ x, y, payload, rows }: { x?: number; y?: number; payload?: { value: string }; rows: StageRow[] }) {
  const row = rows.find((r) => r.name === payload?.value);
  return (
    <text x={x} y={y} textAnchor="middle" fill="var(--text)" fontSize="0.8em">
      <tspan x={x} dy="0.9em">{payload?.value}</tspan>
      {row && <tspan x={x} dy="1.15em" fontWeight={700}>{row.ratioText}</tspan>}
    </text>
  );
}

/** "10 KB", "1 MB": a decade tick's bytes without trailing zeros. */
const tickBytes = (v: number) => formatBytes(v).replace(/\.0+ /, ' ');

/** The stage view (no props: it reads the store). */
export function StageView() {
  const result = useStudio(currentStages);
  const ready = useStudio(stagesReady);
  const stagesOn = useStudio((s) => s.stagesOn);
  const runStages = useStudio((s) => s.runStages);
  const plan = useStudio((s) => s.plan);
  const final = useStudio((s) => s.compressedEval);
  const presenting = usePresenting();
  const rows = useMemo(() => (result ? stageRows(result) : []), [result]);
  const domain = useMemo(() => decades(rows.map((r) => r.bytes)), [rows]);
  // Once asked for (or when presenting), each new compression is measured too — once per compression, so a failure does not loop.
  const tried = useRef<object | undefined>(undefined);
  const compressed = useStudio((s) => s.compressed);
  useEffect(() => {
    if ((stagesOn || presenting) && ready && !result && compressed && tried.current !== compressed) {
      tried.current = compressed;
      void runStages();
    }
  }, [stagesOn, presenting, ready, result, compressed, runStages]);
  const metric = result?.metric === 'agreement' ? 'agreement' : 'top-1';
  const recovered = rows.some((r) => r.when);
  return (
    <section className="stage-view" data-testid="stage-view" aria-label="Compression stages">
      <div className="stage-bar">
        <strong>Stages</strong>
        {!plan && <span className="hint">Choose a compression to see where its bytes go, step by step.</span>}
        {plan && !result && (
          <button type="button" data-testid="stages-run" disabled={!ready} onClick={() => { tried.current = compressed; void runStages(); }}>Show stages</button>
        )}
        {result && <span className="hint">{formatBytes(rows[0].bytes)} → {rows[rows.length - 1].bytesText}: {rows[rows.length - 1].ratioText} · {metric} on the first {formatCount(result.count)} images</span>}
      </div>
      {result && (
        <>
          <div className="stage-chart" data-testid="stage-chart">
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={rows} margin={{ top: 22, right: 8, bottom: 4, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" interval={0} height={36} tick={<StageTick rows={rows} />} />
                <YAxis yAxisId="bytes" scale="log" domain={domain} ticks={decadeTicks(domain)} allowDataOverflow tickFormatter={tickBytes} width={56} tick={{ fontSize: '0.75em' }} />
                <YAxis yAxisId="acc" orientation="right" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={(v: number) => `${v} %`} width={52} tick={{ fontSize: '0.75em' }} />
                <Tooltip content={<StageTip />} />
                <Bar yAxisId="bytes" dataKey="bytes" name="compact bytes" fill="var(--accent)" isAnimationActive={false}>
                  <LabelList dataKey="bytesText" position="insideTop" style={{ fontSize: '0.75em', fill: 'var(--panel)' }} />
                </Bar>
                <Line yAxisId="acc" dataKey="accuracyPct" name={metric} stroke="var(--good)" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false}>
                  <LabelList dataKey="accuracyText" position="top" style={{ fontSize: '0.75em', fill: 'var(--good)' }} />
                </Line>
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <p className="stage-legend hint">
            <span className="stage-key bytes" /> compact-file bytes (log axis; ×: the original's ÷ the stage's) <span className="stage-key acc" /> {metric} (right axis)
            {recovered && final && ` · the exported model (after that step): ${formatPercent(result.metric === 'agreement' ? (final.fidelity?.agreement ?? NaN) : final.accuracy)} on all ${formatCount(final.count)} images`}
          </p>
          <details className="stage-details">
            <summary>Stage table</summary>
            <table className="stage-table" data-testid="stage-table">
              <caption>Each stage of the current compression as a compact file (before coding: fixed-width values, dense or CSR index; coded: the exported file) and its {metric} on the first {formatCount(result.count)} images of {result.dataset}</caption>
              <thead><tr><th scope="col">stage</th><th scope="col">bytes</th><th scope="col">ratio</th><th scope="col">step removed</th><th scope="col">{metric}</th><th scope="col">what the step did</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid={`stage-${r.id}`}>
                    <th scope="row">{r.name}</th>
                    <td data-testid={`stage-${r.id}-bytes`} data-bytes={r.bytes}>{formatCount(r.bytes)} B</td>
                    <td>{r.ratioText}</td>
                    <td>{r.savedText}</td>
                    <td>{r.accuracyText}{r.when && <small> ({r.when})</small>}</td>
                    <td>{r.what}{r.notes.length > 0 && <small> — {r.notes.join('; ')}</small>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
