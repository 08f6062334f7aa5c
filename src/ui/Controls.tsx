import { useId, type ReactNode } from 'react';
import type { CompressionPlan, QuantSettings } from '../model/plan';
import { field, initialSection, section, type ControlRange, type PlanSection, type SectionKey } from '../model/planFields';
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
function Card({ of, on, onToggle, children, testId, unavailable }: { of: SectionKey; on: boolean; onToggle: (on: boolean) => void; children: ReactNode; testId: string; unavailable?: string }) {
  return (
    <fieldset className={`card ${on ? 'on' : 'off'}`} data-testid={testId}>
      <legend><label><input type="checkbox" checked={on} disabled={Boolean(unavailable) && !on} onChange={(e) => onToggle(e.target.checked)} /> {section(of).title}</label></legend>
      {unavailable && <p className="hint" role="note">{unavailable}</p>}
      {on && children}
    </fieldset>
  );
}

/**
 * A slider over a field's control range (settings table). Its accessible name is the label text
 * (aria-labelledby: the <output> beside it is not part of the name) and its value text is what
 * the <output> shows.
 */
function Slider({ label, value, range, display, onChange, testId }: {
  label: string; value: number; range: ControlRange; display: string; onChange: (v: number) => void; testId: string;
}) {
  const id = useId();
  return (
    <label className="slider">
      <span><span id={id}>{label}</span> <output data-testid={`${testId}-value`}>{display}</output></span>
      <input type="range" min={range.min} max={range.max} step={range.step} value={value} data-testid={testId}
        aria-labelledby={id} aria-valuetext={display} onChange={(e) => onChange(Number(e.target.value))} />
    </label>
  );
}

/** A select named by its visible label text (not by the selected option, which a wrapping label would add). */
function Choice({ label, value, options, onChange, testId }: {
  label: string; value: string; options: [value: string, text: string][]; onChange: (v: string) => void; testId: string;
}) {
  const id = useId();
  return (
    <label className="option"><span id={id}>{label}</span>
      <select value={value} data-testid={testId} aria-labelledby={id} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </label>
  );
}

/** A field's enum options as [value, label] pairs, for `values` (default: all of them). */
const optionsOf = (id: string, values?: string[]): [string, string][] => {
  const f = field(id);
  return (values ?? Object.keys(f.options ?? {})).map((v) => [v, f.options?.[v] ?? v]);
};
const percentOf = (x: number) => `${Math.round(x * 100)} %`;
/** A field's value → its slider position, by the field's control range (× scale, or log2). */
const toSlider = (id: string, x: number) => {
  const c = field(id).control as ControlRange;
  return Math.round(c.log2 ? Math.log2(x) : x * (c.scale ?? 1));
};
/** A slider position → the field's value. */
const fromSlider = (id: string, v: number) => {
  const c = field(id).control as ControlRange;
  return c.log2 ? 2 ** v : v / (c.scale ?? 1);
};

/** Technique cards with sliders and options (ranges, labels and defaults from the plan settings table); every change re-runs compression (debounced). */
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
  /** The section a card creates when turned on (its `initial` fields at their defaults), or undefined when turned off. */
  const toggle = <K extends SectionKey>(key: K) => (on: boolean) => update({ [key]: on ? initialSection(key) : undefined });
  const q = typeof p.quantize === 'object' ? p.quantize : undefined;
  const defaultBits = field('quantize.bits').default as number;
  const setQ = (changes: Partial<QuantSettings>) => update({ quantize: { bits: defaultBits, ...q, ...changes } });
  const pattern = p.prune?.pattern === 'n:m' ? 'nm' : p.prune?.scope === 'layer' ? 'layer' : 'global';
  const defaultRatio = field('prune.ratio').default as number;
  const [n, m] = [field('prune.n').default as number, field('prune.m').default as number];
  const k = p.cluster?.k ?? (field('cluster.k').default as number);
  const rankValue = field('lowRank.value');
  const energy = p.lowRank?.by === 'energy';
  const lr = field('finetune.learningRate');
  const epochs = p.finetune?.epochs ?? (field('finetune.epochs').default as number);
  const whole = section('quantize').whole as NonNullable<PlanSection['whole']>;
  return (
    <div className="controls">
      <fieldset className="controls-body" disabled={sweeping || !model} aria-label="Compression settings">
      <div className="presets" role="group" aria-label="Presets">
        {Object.entries(PRESETS).map(([name, preset]) => (
          <button key={name} type="button" onClick={() => setPlan(structuredClone(preset))} disabled={!model}>{name}</button>
        ))}
        <button type="button" onClick={() => setPlan(undefined)} disabled={!plan}>Reset</button>
      </div>

      <Card of="prune" testId="card-prune" on={Boolean(p.prune)} onToggle={toggle('prune')}>
        {pattern !== 'nm' && (
          <Slider label={field('prune.ratio').label} testId="prune-slider" range={field('prune.ratio').control as ControlRange} value={toSlider('prune.ratio', p.prune?.ratio ?? 0)}
            display={percentOf(p.prune?.ratio ?? 0)} onChange={(v) => update({ prune: { ...p.prune, ratio: fromSlider('prune.ratio', v) } })} />
        )}
        <Choice label={field('prune.pattern').label} testId="prune-pattern" value={pattern}
          options={[...optionsOf('prune.scope'), ['nm', field('prune.pattern').options?.['n:m'] as string]]}
          onChange={(v) => update({ prune: v === 'nm' ? { ratio: 1 - n / m, pattern: 'n:m', n, m } : { ratio: p.prune?.pattern === 'n:m' ? defaultRatio : p.prune?.ratio ?? defaultRatio, scope: v as 'global' | 'layer' } })} />
      </Card>

      <Card of="channels" testId="card-channels" on={Boolean(p.channels)} onToggle={toggle('channels')}>
        <Slider label={field('channels.ratio').label} testId="channels-slider" range={field('channels.ratio').control as ControlRange} value={toSlider('channels.ratio', p.channels?.ratio ?? 0)}
          display={percentOf(p.channels?.ratio ?? 0)} onChange={(v) => update({ channels: { ...p.channels, ratio: fromSlider('channels.ratio', v) } })} />
        <Choice label={field('channels.norm').label} testId="channels-norm" value={p.channels?.norm ?? (field('channels.norm').default as string)} options={optionsOf('channels.norm')}
          onChange={(v) => update({ channels: { ratio: p.channels?.ratio ?? (field('channels.ratio').default as number), norm: v as 'l1' | 'l2' } })} />
        <p className="hint">Layers really shrink, so latency drops; the output layer stays whole.</p>
      </Card>

      <Card of="lowRank" testId="card-lowrank" on={Boolean(p.lowRank)} onToggle={toggle('lowRank')}>
        <Choice label={field('lowRank.by').label} testId="lowrank-by" value={energy ? 'energy' : 'fraction'} options={optionsOf('lowRank.by', ['fraction', 'energy'])}
          onChange={(v) => update({ lowRank: v === 'energy' ? { by: 'energy', value: rankValue.variants?.energy.default as number } : { by: 'fraction', value: rankValue.default as number } })} />
        <Slider label={energy ? rankValue.variants?.energy.label as string : rankValue.label} testId="lowrank-slider" range={rankValue.control as ControlRange}
          value={toSlider('lowRank.value', p.lowRank?.value ?? (rankValue.default as number))}
          display={`${percentOf(p.lowRank?.value ?? (rankValue.default as number))}${energy ? '' : ' of full'}`}
          onChange={(v) => update({ lowRank: { by: energy ? 'energy' : 'fraction', value: fromSlider('lowRank.value', v) } })} />
        <p className="hint">Dense and 1×1 conv layers become two thinner layers, where that saves weights.</p>
      </Card>

      <Card of="cluster" testId="card-cluster" on={Boolean(p.cluster)} onToggle={toggle('cluster')}>
        <Slider label={field('cluster.k').label} testId="cluster-slider" range={field('cluster.k').control as ControlRange} value={toSlider('cluster.k', k)}
          display={`${k} (${Math.round(Math.log2(k))}-bit codes)`} onChange={(v) => update({ cluster: { ...p.cluster, k: fromSlider('cluster.k', v) } })} />
        <label className="option">
          <input type="checkbox" data-testid="cluster-grid" checked={p.cluster?.grid === 'uint8'}
            onChange={(e) => update({ cluster: { k, ...(p.cluster?.init ? { init: p.cluster.init } : {}), ...(e.target.checked ? { grid: 'uint8' as const } : {}) } })} />
          {field('cluster.grid').label}
        </label>
      </Card>

      <Card of="quantize" testId="card-quant" on={Boolean(p.quantize)} onToggle={toggle('quantize')}>
        {p.cluster && <p className="hint">Weight sharing is on: its codebook replaces quantization.</p>}
        <Choice label={whole.choice} testId="quant-format" value={p.quantize === whole.value ? whole.token : 'int'} options={[['int', whole.otherwise], [whole.token, whole.label]]}
          onChange={(v) => update({ quantize: v === whole.token ? 'float16' : { bits: defaultBits } })} />
        {q && (
          <>
            <Slider label={field('quantize.bits').label} testId="bits-slider" range={field('quantize.bits').control as ControlRange} value={q.bits} display={`${q.bits}`}
              onChange={(v) => setQ({ bits: v, scheme: v < 2 ? 'affine' : q.scheme })} />
            <Choice label={field('quantize.granularity').label} testId="quant-granularity" value={q.granularity ?? (field('quantize.granularity').default as string)}
              options={optionsOf('quantize.granularity')} onChange={(v) => setQ({ granularity: v as 'tensor' | 'channel' })} />
            <Choice label={field('quantize.scheme').label} testId="quant-scheme" value={q.scheme ?? (field('quantize.scheme').default as string)} options={optionsOf('quantize.scheme')}
              onChange={(v) => setQ({ scheme: v as 'affine' | 'symmetric', bits: Math.max(q.bits, v === 'symmetric' ? 2 : 1) })} />
          </>
        )}
      </Card>

      <Card of="finetune" testId="card-finetune" on={Boolean(p.finetune)} onToggle={toggle('finetune')}
        unavailable={noFineTune && `Fine-tuning ${noFineTune}.`}>
        {!noFineTune && (
          <>
            <Slider label={field('finetune.epochs').label} testId="finetune-slider" range={field('finetune.epochs').control as ControlRange} value={epochs}
              display={`${epochs} on ${trainSplit?.count.toLocaleString('en-US')} images`} onChange={(v) => update({ finetune: { ...p.finetune, epochs: v } })} />
            <Choice label={lr.label} testId="finetune-lr" value={String(p.finetune?.learningRate ?? lr.default)}
              options={(lr.control?.choices ?? []).map((x) => [String(x), String(x)])}
              onChange={(v) => update({ finetune: { epochs, learningRate: Number(v) } })} />
          </>
        )}
        <p className="hint">After structural pruning and pruning, trains on {trainSplit?.name ?? 'the training split'} in the worker with pruned weights held at zero, then quantizes or clusters (and trains the shared values). Changing structure or pruning trains again (seconds to minutes); changing bits or shared values reuses the trained weights.</p>
      </Card>
      </fieldset>
      <SweepPanel />
    </div>
  );
}
