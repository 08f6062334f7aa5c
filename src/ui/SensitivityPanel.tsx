import { useState } from 'react';
import type { SensitivityResult } from '../runtime/protocol';
import { useStudio } from '../state/store';
import { useChoices } from './RecoverCard';

const LEVELS = { prune: [0.5, 0.7, 0.8, 0.9, 0.95], quantize: [8, 6, 4, 3, 2], joint: [] };
type Technique = keyof typeof LEVELS;

/** A joint table's rows: one per layer and prune ratio, a cell per bit width (NaN = skipped, "–"). */
function jointRows(result: SensitivityResult) {
  const cells = result.joint?.cells ?? [];
  const bits = [...new Set(cells.map((c) => c.bits))];
  const ratios = [...new Set(cells.map((c) => c.prune))];
  const rows = result.layers.flatMap((layer, i) => ratios.map((prune) => ({
    layer, i, prune, js: bits.map((b) => cells.findIndex((c) => c.bits === b && c.prune === prune)),
  })));
  return { bits, rows };
}

/** Which data joint Auto's measured plans calibrate on ('output'), or why they stay data-free; the table itself is always data-free. */
function AutoCalibration() {
  const graph = useStudio((s) => s.model?.format === 'graph-model');
  const { choices, chosenId } = useChoices();
  const chosen = graph ? undefined : (choices.find((c) => c.id === chosenId) ?? choices[0]);
  return (
    <p className="hint" data-testid="auto-calibration">
      {chosen ? `Auto measures its combined plans calibrated on ${chosen.name} too ('output': layer-output range, bias correction, refit of pruned weights); the table is data-free.`
        : 'Auto measures data-free calibrations only: calibration on data needs a TF.js layers model and calibration images (a bundled training split or a folder on the Recover card).'}
    </p>
  );
}

/** Per-layer sensitivity (accuracy drop of each layer compressed alone), and "auto" per-layer settings for a target drop or size. */
export function SensitivityPanel() {
  const result = useStudio((s) => s.sensitivity);
  const explanation = useStudio((s) => s.autoExplanation);
  const runSensitivity = useStudio((s) => s.runSensitivity);
  const applyAuto = useStudio((s) => s.applyAuto);
  const busy = useStudio((s) => Boolean(s.progress) || Boolean(s.sweep?.running) || !s.evaluation);
  const [technique, setTechnique] = useState<Technique>('prune');
  const [target, setTarget] = useState(0.5);
  const [goal, setGoal] = useState<'drop' | 'size'>('drop');
  const [sizeKb, setSizeKb] = useState('');
  const metric = result?.metric === 'agreement' ? 'agreement' : 'accuracy';
  // Until the user types a size, suggest a tenth of the uncompressed compact file.
  const kbValue = sizeKb || (result ? String(Math.round(result.totalBytes / 10_000)) : '');
  const label = (level: number) => (result?.technique === 'prune' ? `${Math.round(level * 100)} %` : `${level} bit`);
  return (
    <section className="sensitivity" data-testid="sensitivity" aria-label="Sensitivity analysis">
      <div className="sensitivity-bar">
        <label><strong>Sensitivity</strong> of each layer alone,
          <select value={technique} data-testid="sensitivity-technique" onChange={(e) => setTechnique(e.target.value as Technique)}>
            <option value="prune">pruned</option>
            <option value="quantize">quantized</option>
            <option value="joint">prune + bits per layer</option>
          </select>
        </label>
        <button type="button" data-testid="sensitivity-run" disabled={busy} onClick={() => void runSensitivity({ technique, levels: LEVELS[technique] })}>Analyse</button>
        {result && (
          <>
            <label>Auto for
              <select value={goal} data-testid="auto-goal" onChange={(e) => setGoal(e.target.value as 'drop' | 'size')}>
                <option value="drop">{metric} drop ≤</option>
                <option value="size">compact size ≤</option>
              </select>
            </label>
            {goal === 'drop' ? (
              <label><input type="number" min={0} max={20} step={0.1} value={target} data-testid="auto-target" onChange={(e) => setTarget(Number(e.target.value))} style={{ width: 56 }} aria-label={`allowed ${metric} drop in points`} /> points</label>
            ) : (
              <label><input type="number" min={1} step={1} value={kbValue} data-testid="auto-size" onChange={(e) => setSizeKb(e.target.value)} style={{ width: 72 }} aria-label="target compact size in KB" /> KB</label>
            )}
            <button type="button" data-testid="auto-apply" disabled={busy || (goal === 'size' && !(Number(kbValue) > 0))}
              onClick={() => applyAuto(goal === 'drop' ? { drop: target / 100 } : { bytes: Number(kbValue) * 1000 })}>Apply auto</button>
          </>
        )}
      </div>
      {result && !result.joint && (
        <table className="sensitivity-table" data-testid="sensitivity-table">
          <caption>{metric === 'agreement' ? 'Agreement with the original' : 'Accuracy'} drop (points) with only that layer {result.technique === 'prune' ? 'pruned' : 'quantized'}, on the first {result.count.toLocaleString('en-US')} images (baseline {(result.baseline * 100).toFixed(2)} %); hover a cell for that layer&apos;s compact bytes</caption>
          <thead><tr><th scope="col">layer</th>{result.levels.map((l) => <th key={l} scope="col">{label(l)}</th>)}</tr></thead>
          <tbody>
            {result.layers.map((layer, i) => (
              <tr key={layer}>
                <th scope="row">{layer}</th>
                {result.accuracy[i].map((a, j) => {
                  const drop = (result.baseline - a) * 100;
                  return (
                    <td key={j} data-drop={drop.toFixed(3)} title={`${layer} at ${label(result.levels[j])}: ${result.bytes[i][j].toLocaleString('en-US')} bytes (from ${result.baseBytes[i].toLocaleString('en-US')})`} style={{ background: `color-mix(in srgb, var(--bad) calc(var(--heat) * ${Math.min(1, Math.max(0, drop) / 10).toFixed(3)}), transparent)` }}>
                      {drop <= 0 ? '0' : `−${drop.toFixed(2)}`}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result?.joint && <AutoCalibration />}
      {result?.joint && (
        <table className="sensitivity-table" data-testid="sensitivity-table">
          <caption>{metric === 'agreement' ? 'Agreement with the original' : 'Accuracy'} drop (points) with only that layer pruned and quantized, on the first {result.count.toLocaleString('en-US')} images (baseline {(result.baseline * 100).toFixed(2)} %; {result.joint.grid.calibrate ?? 'mse'} range); – = not measured: a milder cell was already as small or lost too much</caption>
          <thead><tr><th scope="col">layer · pruned</th>{jointRows(result).bits.map((b) => <th key={b} scope="col">{b} bit</th>)}</tr></thead>
          <tbody>
            {jointRows(result).rows.map(({ layer, i, prune, js }) => (
              <tr key={`${layer}-${prune}`}>
                <th scope="row">{layer} · {Math.round(prune * 100)} %</th>
                {js.map((j, k) => {
                  const a = result.accuracy[i][j];
                  if (j < 0 || !Number.isFinite(a)) return <td key={k} title="not measured">–</td>;
                  const drop = (result.baseline - a) * 100;
                  return (
                    <td key={k} data-drop={drop.toFixed(3)} title={`${layer} pruned ${Math.round(prune * 100)} % at ${result.joint?.cells[j].bits} bits: ${result.bytes[i][j].toLocaleString('en-US')} bytes (from ${result.baseBytes[i].toLocaleString('en-US')})`} style={{ background: `color-mix(in srgb, var(--bad) calc(var(--heat) * ${Math.min(1, Math.max(0, drop) / 10).toFixed(3)}), transparent)` }}>
                      {drop <= 0 ? '0' : `−${drop.toFixed(2)}`}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {explanation && (
        <ul className="auto-explanation" data-testid="auto-explanation">
          {explanation.map((line) => <li key={line}>{line}</li>)}
        </ul>
      )}
    </section>
  );
}
