import type { ReactNode } from 'react';
import type { CompressionPlan, QuantSettings } from '../model/plan';
import { currentDataset, trainSplitOf, useStudio } from '../state/store';
import { SweepPanel } from './SweepPanel';

/** The presets: named plans a workshop can jump between. */
export const PRESETS: Record<string, CompressionPlan> = {
  // Deep Compression's pipeline post-training, and with its retraining: one global threshold (big layers lose the
  // most), 4 epochs of masked fine-tuning, 32 shared values, then a pass that trains them (README: 38–39× on the LeNets).
  'Deep Compression': { version: 1, prune: { ratio: 0.9, scope: 'layer' }, cluster: { k: 32 } },
  'Deep Compression + fine-tuning': { version: 1, prune: { ratio: 0.93, scope: 'global' }, cluster: { k: 32, grid: 'uint8' }, finetune: { epochs: 4, learningRate: 0.001 } },
  'TF.js int8': { version: 1, quantize: { bits: 8, granularity: 'tensor', scheme: 'affine' } },
  float16: { version: 1, quantize: 'float16' },
  'Fastest (structured + low-rank)': { version: 1, channels: { ratio: 0.25, norm: 'l1' }, lowRank: { by: 'fraction', value: 0.25 } },
};

/** A technique's card: a checkbox that turns it on, and its settings while on. `unavailable` says why it cannot be turned on. */
function Card({ title, on, onToggle, children, testId, unavailable }: { title: string; on: boolean; onToggle: (on: boolean) => void; children: ReactNode; testId: string; unavailable?: string }) {
  return (
    <fieldset className={`card ${on ? 'on' : 'off'}`} data-testid={testId}>
      <legend><label><input type="checkbox" checked={on} disabled={Boolean(unavailable) && !on} onChange={(e) => onToggle(e.target.checked)} /> {title}</label></legend>
      {unavailable && <p className="hint" role="note">{unavailable}</p>}
      {on && children}
    </fieldset>
  );
}

function Slider({ label, value, min, max, step, display, onChange, testId }: {
  label: string; value: number; min: number; max: number; step: number; display: string; onChange: (v: number) => void; testId: string;
}) {
  return (
    <label className="slider">
      <span>{label} <output data-testid={`${testId}-value`}>{display}</output></span>
      <input type="range" min={min} max={max} step={step} value={value} data-testid={testId} aria-valuetext={display}
        onChange={(e) => onChange(Number(e.target.value))} />
    </label>
  );
}

/** Technique cards with sliders and options; every change re-runs compression (debounced). */
export function Controls() {
  const plan = useStudio((s) => s.plan);
  const sweeping = useStudio((s) => Boolean(s.sweep?.running));
  const setPlan = useStudio((s) => s.setPlan);
  const model = useStudio((s) => s.model);
  const trainSplit = useStudio((s) => trainSplitOf(s, currentDataset(s)));
  const noFineTune = model?.format === 'graph-model' ? 'needs a TF.js layers model (a graph model has no trainable layers)'
    : !trainSplit ? 'needs a labelled training split of the current data (the bundled MNIST and Fashion-MNIST have one)' : undefined;
  const p: CompressionPlan = plan ?? { version: 1 };
  const update = (next: Partial<CompressionPlan>) => {
    const merged = { ...p, ...next };
    for (const key of Object.keys(merged) as (keyof CompressionPlan)[]) if (merged[key] === undefined) delete merged[key];
    setPlan(Object.keys(merged).length > 1 ? merged : undefined);
  };
  const q = typeof p.quantize === 'object' ? p.quantize : undefined;
  const setQ = (changes: Partial<QuantSettings>) => update({ quantize: { bits: 8, ...q, ...changes } });
  const pattern = p.prune?.pattern === 'n:m' ? 'nm' : p.prune?.scope === 'layer' ? 'layer' : 'global';
  const k = p.cluster?.k ?? 32;
  return (
    <div className="controls">
      <fieldset className="controls-body" disabled={sweeping || !model} aria-label="Compression settings">
      <div className="presets" role="group" aria-label="Presets">
        {Object.entries(PRESETS).map(([name, preset]) => (
          <button key={name} type="button" onClick={() => setPlan(structuredClone(preset))} disabled={!model}>{name}</button>
        ))}
        <button type="button" onClick={() => setPlan(undefined)} disabled={!plan}>Reset</button>
      </div>

      <Card title="Pruning" testId="card-prune" on={Boolean(p.prune)} onToggle={(on) => update({ prune: on ? { ratio: 0.5, scope: 'global' } : undefined })}>
        {pattern !== 'nm' && (
          <Slider label="Zeroed weights" testId="prune-slider" min={0} max={99} step={1} value={Math.round((p.prune?.ratio ?? 0) * 100)}
            display={`${Math.round((p.prune?.ratio ?? 0) * 100)} %`} onChange={(v) => update({ prune: { ...p.prune, ratio: v / 100 } })} />
        )}
        <label className="option">Pattern
          <select value={pattern} data-testid="prune-pattern" onChange={(e) => {
            const v = e.target.value;
            update({ prune: v === 'nm' ? { ratio: 0.5, pattern: 'n:m', n: 2, m: 4 } : { ratio: p.prune?.pattern === 'n:m' ? 0.5 : p.prune?.ratio ?? 0.5, scope: v as 'global' | 'layer' } });
          }}>
            <option value="global">unstructured, one global threshold</option>
            <option value="layer">unstructured, same ratio per layer</option>
            <option value="nm">2:4 semi-structured (N:M)</option>
          </select>
        </label>
      </Card>

      <Card title="Structured pruning" testId="card-channels" on={Boolean(p.channels)} onToggle={(on) => update({ channels: on ? { ratio: 0.25, norm: 'l1' } : undefined })}>
        <Slider label="Units / filters removed" testId="channels-slider" min={0} max={90} step={5} value={Math.round((p.channels?.ratio ?? 0) * 100)}
          display={`${Math.round((p.channels?.ratio ?? 0) * 100)} %`} onChange={(v) => update({ channels: { ...p.channels, ratio: v / 100 } })} />
        <label className="option">Score
          <select value={p.channels?.norm ?? 'l1'} data-testid="channels-norm" onChange={(e) => update({ channels: { ratio: p.channels?.ratio ?? 0.25, norm: e.target.value as 'l1' | 'l2' } })}>
            <option value="l1">L1 norm</option>
            <option value="l2">L2 norm</option>
          </select>
        </label>
        <p className="hint">Layers really shrink, so latency drops; the output layer stays whole.</p>
      </Card>

      <Card title="Low-rank (SVD)" testId="card-lowrank" on={Boolean(p.lowRank)} onToggle={(on) => update({ lowRank: on ? { by: 'fraction', value: 0.25 } : undefined })}>
        <label className="option">Rank by
          <select value={p.lowRank?.by === 'energy' ? 'energy' : 'fraction'} data-testid="lowrank-by" onChange={(e) => update({ lowRank: e.target.value === 'energy' ? { by: 'energy', value: 0.9 } : { by: 'fraction', value: 0.25 } })}>
            <option value="fraction">fraction of full rank</option>
            <option value="energy">energy kept (Σσ²)</option>
          </select>
        </label>
        <Slider label={p.lowRank?.by === 'energy' ? 'Energy kept' : 'Rank'} testId="lowrank-slider" min={1} max={100} step={1} value={Math.round((p.lowRank?.value ?? 0.25) * 100)}
          display={`${Math.round((p.lowRank?.value ?? 0.25) * 100)} %${p.lowRank?.by === 'energy' ? '' : ' of full'}`}
          onChange={(v) => update({ lowRank: { by: p.lowRank?.by === 'energy' ? 'energy' : 'fraction', value: v / 100 } })} />
        <p className="hint">Dense and 1×1 conv layers become two thinner layers, where that saves weights.</p>
      </Card>

      <Card title="Weight sharing (k-means)" testId="card-cluster" on={Boolean(p.cluster)} onToggle={(on) => update({ cluster: on ? { k: 32 } : undefined })}>
        <Slider label="Shared values per tensor" testId="cluster-slider" min={1} max={8} step={1} value={Math.round(Math.log2(k))}
          display={`${k} (${Math.round(Math.log2(k))}-bit codes)`} onChange={(v) => update({ cluster: { ...p.cluster, k: 2 ** v } })} />
        <label className="option">
          <input type="checkbox" data-testid="cluster-grid" checked={p.cluster?.grid === 'uint8'}
            onChange={(e) => update({ cluster: { k, ...(p.cluster?.init ? { init: p.cluster.init } : {}), ...(e.target.checked ? { grid: 'uint8' as const } : {}) } })} />
          shared values on a uint8 grid (TF.js files 4× smaller)
        </label>
      </Card>

      <Card title="Quantization" testId="card-quant" on={Boolean(p.quantize)} onToggle={(on) => update({ quantize: on ? { bits: 8 } : undefined })}>
        {p.cluster && <p className="hint">Weight sharing is on: its codebook replaces quantization.</p>}
        <label className="option">Format
          <select value={p.quantize === 'float16' ? 'f16' : 'int'} data-testid="quant-format" onChange={(e) => update({ quantize: e.target.value === 'f16' ? 'float16' : { bits: 8 } })}>
            <option value="int">integer codes (uniform)</option>
            <option value="f16">float16</option>
          </select>
        </label>
        {q && (
          <>
            <Slider label="Bits" testId="bits-slider" min={1} max={16} step={1} value={q.bits} display={`${q.bits}`}
              onChange={(v) => setQ({ bits: v, scheme: v < 2 ? 'affine' : q.scheme })} />
            <label className="option">Scales
              <select value={q.granularity ?? 'tensor'} data-testid="quant-granularity" onChange={(e) => setQ({ granularity: e.target.value as 'tensor' | 'channel' })}>
                <option value="tensor">per tensor</option>
                <option value="channel">per output channel</option>
              </select>
            </label>
            <label className="option">Range
              <select value={q.scheme ?? 'affine'} data-testid="quant-scheme" onChange={(e) => setQ({ scheme: e.target.value as 'affine' | 'symmetric', bits: Math.max(q.bits, e.target.value === 'symmetric' ? 2 : 1) })}>
                <option value="affine">asymmetric (affine)</option>
                <option value="symmetric">symmetric</option>
              </select>
            </label>
          </>
        )}
      </Card>

      <Card title="Fine-tuning (retrain)" testId="card-finetune" on={Boolean(p.finetune)} onToggle={(on) => update({ finetune: on ? { epochs: 1 } : undefined })}
        unavailable={noFineTune && `Fine-tuning ${noFineTune}.`}>
        {!noFineTune && (
          <>
            <Slider label="Epochs" testId="finetune-slider" min={1} max={10} step={1} value={p.finetune?.epochs ?? 1}
              display={`${p.finetune?.epochs ?? 1} on ${trainSplit?.count.toLocaleString('en-US')} images`} onChange={(v) => update({ finetune: { ...p.finetune, epochs: v } })} />
            <label className="option">Learning rate
              <select value={String(p.finetune?.learningRate ?? 0.0005)} data-testid="finetune-lr" onChange={(e) => update({ finetune: { epochs: p.finetune?.epochs ?? 1, learningRate: Number(e.target.value) } })}>
                {[0.0001, 0.0005, 0.001, 0.003].map((lr) => <option key={lr} value={String(lr)}>{lr}</option>)}
              </select>
            </label>
          </>
        )}
        <p className="hint">After structural pruning and pruning, trains on {trainSplit?.name ?? 'the training split'} in the worker with pruned weights held at zero, then quantizes or clusters (and trains the shared values). Changing structure or pruning trains again (seconds to minutes); changing bits or shared values reuses the trained weights.</p>
      </Card>
      </fieldset>
      <SweepPanel />
    </div>
  );
}
