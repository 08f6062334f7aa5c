import type { ReactNode } from 'react';
import type { CompressionPlan, QuantSettings } from '../model/plan';
import { field, initialSection, section, type ControlRange, type PlanSection, type SectionKey } from '../model/planFields';
import { recoveryOf, useStudio } from '../state/store';
import { Card as TitledCard, Choice, fromSlider, optionsOf, percentOf, Slider, toSlider } from './cardParts';
import { CalibrationData } from './CalibrationData';
import { Presets } from './Presets';
import { RecoverCard } from './RecoverCard';
import { SweepPanel } from './SweepPanel';

/** A technique's card titled by its plan section. */
const Card = ({ of, ...rest }: { of: SectionKey; on: boolean; onToggle: (on: boolean) => void; children: ReactNode; testId: string; unavailable?: string }) => <TitledCard title={section(of).title} {...rest} />;

/** Said under a Taylor score while nothing trains: the scores need the Recover card's data and loss. */
const TAYLOR_NEEDS_DATA = 'Taylor scores need data and a loss: turn on Recover below (its training data is what they are measured on).';

export { PRESETS } from '../model/presets';

/** Technique cards with sliders and options (ranges, labels and defaults from the plan settings table); every change re-runs compression (debounced). */
export function Controls() {
  const plan = useStudio((s) => s.plan);
  const sweeping = useStudio((s) => Boolean(s.sweep?.running));
  const setPlan = useStudio((s) => s.setPlan);
  const model = useStudio((s) => s.model);
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
  /** Merges `changes` into the quantization settings; a field set to undefined is left out. */
  const setQ = (changes: Partial<QuantSettings>) => {
    const next = { bits: defaultBits, ...q, ...changes };
    for (const key of Object.keys(next) as (keyof QuantSettings)[]) if (next[key] === undefined) delete next[key];
    update({ quantize: next });
  };
  const pattern = p.prune?.pattern === 'n:m' ? 'nm' : p.prune?.scope === 'layer' ? 'layer' : 'global';
  const defaultRatio = field('prune.ratio').default as number;
  const [n, m] = [field('prune.n').default as number, field('prune.m').default as number];
  const k = p.cluster?.k ?? (field('cluster.k').default as number);
  const rankValue = field('lowRank.value');
  const energy = p.lowRank?.by === 'energy';
  const recovering = Boolean(recoveryOf(p));
  const whole = section('quantize').whole as NonNullable<PlanSection['whole']>;
  return (
    <div className="controls">
      <fieldset className="controls-body" disabled={sweeping || !model} aria-label="Compression settings">
      <Presets />

      <Card of="prune" testId="card-prune" on={Boolean(p.prune)} onToggle={toggle('prune')}>
        {pattern !== 'nm' && (
          <Slider label={field('prune.ratio').label} testId="prune-slider" range={field('prune.ratio').control as ControlRange} value={toSlider('prune.ratio', p.prune?.ratio ?? 0)}
            display={percentOf(p.prune?.ratio ?? 0)} onChange={(v) => update({ prune: { ...p.prune, ratio: fromSlider('prune.ratio', v) } })} />
        )}
        <Choice label={field('prune.pattern').label} testId="prune-pattern" value={pattern}
          options={[...optionsOf('prune.scope'), ['nm', field('prune.pattern').options?.['n:m'] as string]]}
          onChange={(v) => update({ prune: { ...(p.prune?.score ? { score: p.prune.score } : {}), ...(v === 'nm' ? { ratio: 1 - n / m, pattern: 'n:m' as const, n, m } : { ratio: p.prune?.pattern === 'n:m' ? defaultRatio : p.prune?.ratio ?? defaultRatio, scope: v as 'global' | 'layer' }) } })} />
        <Choice label={field('prune.score').label} testId="prune-score" value={p.prune?.score ?? (field('prune.score').default as string)} options={optionsOf('prune.score')}
          onChange={(v) => update({ prune: { ...(p.prune ?? { ratio: defaultRatio }), score: v as 'magnitude' | 'taylor' } })} />
        {p.prune?.score === 'taylor' && !recovering && <p className="hint" role="note">{TAYLOR_NEEDS_DATA}</p>}
      </Card>

      <Card of="channels" testId="card-channels" on={Boolean(p.channels)} onToggle={toggle('channels')}>
        <Slider label={field('channels.ratio').label} testId="channels-slider" range={field('channels.ratio').control as ControlRange} value={toSlider('channels.ratio', p.channels?.ratio ?? 0)}
          display={percentOf(p.channels?.ratio ?? 0)} onChange={(v) => update({ channels: { ...p.channels, ratio: fromSlider('channels.ratio', v) } })} />
        <Choice label={field('channels.norm').label} testId="channels-norm" value={p.channels?.norm ?? (field('channels.norm').default as string)} options={optionsOf('channels.norm')}
          onChange={(v) => update({ channels: { ratio: p.channels?.ratio ?? (field('channels.ratio').default as number), norm: v as 'l1' | 'l2' | 'taylor' } })} />
        {p.channels?.norm === 'taylor' && !recovering && <p className="hint" role="note">{TAYLOR_NEEDS_DATA}</p>}
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
            <Choice label={field('quantize.calibrate').label} testId="quant-calibrate" value={q.calibrate ?? (field('quantize.calibrate').default as string)}
              options={optionsOf('quantize.calibrate')} onChange={(v) => setQ({ calibrate: v === 'minmax' ? undefined : v as NonNullable<QuantSettings['calibrate']> })} />
            <CalibrationData q={q} />
            <label className="option">
              <input type="checkbox" data-testid="quant-equalize" checked={q.equalize === 'cle'} onChange={(e) => setQ({ equalize: e.target.checked ? 'cle' : undefined })} />
              {field('quantize.equalize').label}
            </label>
          </>
        )}
      </Card>

      <RecoverCard plan={p} update={update} />
      </fieldset>
      <SweepPanel />
    </div>
  );
}
