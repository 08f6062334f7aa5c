import { useId, useMemo, useRef } from 'react';
import type { CompressionPlan } from '../model/plan';
import { field, initialSection, type ControlRange } from '../model/planFields';
import { recoveryOf, trainChoices, useStudio, type RecoveryMethod, type TrainChoice } from '../state/store';
import { Card, Choice, fromSlider, optionsOf, percentOf, Slider, toSlider } from './cardParts';
import { TrainingCurve } from './TrainingCurve';

const METHODS: [RecoveryMethod, string][] = [['finetune', 'Fine-tune with labels'], ['distill', 'Distill from the original']];

/** The training data the card offers (store reads, recomputed only when they change). */
export function useChoices(): { choices: TrainChoice[]; chosenId?: string; evaluatedId?: string } {
  const datasets = useStudio((s) => s.datasets);
  const datasetId = useStudio((s) => s.datasetId);
  const trainSplits = useStudio((s) => s.trainSplits);
  const catalog = useStudio((s) => s.catalog);
  const modelId = useStudio((s) => s.modelId);
  const model = useStudio((s) => s.model);
  const chosenId = useStudio((s) => s.trainDataId);
  const choices = useMemo(() => trainChoices({ datasets, datasetId, trainSplits, catalog, modelId, model }), [datasets, datasetId, trainSplits, catalog, modelId, model]);
  return { choices, chosenId, evaluatedId: datasetId };
}

/** Why the whole card is off, if it is: a graph model, or no data to train on at all. */
const unavailableText = (graph: boolean, choices: TrainChoice[]) => (graph ? 'Recovery needs a TF.js layers model (a graph model has no trainable layers).'
  : !choices.length ? 'Recovery needs some images to train on, and this data has no bundled training split: add a folder of images (labels are not needed to distill).' : undefined);

/** A button that picks a folder of images to train on (imported as the user's data, chosen as the training data; what is measured stays). */
export function AddFolder({ text = 'Add a folder to train on…' }: { text?: string }) {
  const loadData = useStudio((s) => s.loadData);
  const disabled = useStudio((s) => s.phase !== 'ready' || Boolean(s.busy) || !s.model);
  const ref = useRef<HTMLInputElement>(null);
  return (
    <div className="recover-add">
      <button type="button" disabled={disabled} onClick={() => ref.current?.click()}>{text}</button>
      <input ref={ref} type="file" hidden aria-label="Folder of images to train on" {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => {
          const input = e.currentTarget;
          const files = input.files ? Array.from(input.files) : [];
          input.value = '';
          if (files.length) void loadData(files, { train: true });
        }} />
    </div>
  );
}

/**
 * The Recover card: win back accuracy after compression by fine-tuning with labels (plan.finetune)
 * or distilling from the loaded original (plan.distill, no labels needed), on the bundled training
 * split or any data set the user dropped; epochs, learning rate, and for distillation T, α and
 * soft/hard targets; the live loss and agreement curve while it trains. `update` merges plan sections.
 */
export function RecoverCard({ plan: p, update }: { plan: CompressionPlan; update: (next: Partial<CompressionPlan>) => void }) {
  const graph = useStudio((s) => s.model?.format === 'graph-model');
  const setTrainData = useStudio((s) => s.setTrainData);
  const run = useStudio((s) => s.training);
  const { choices, chosenId, evaluatedId } = useChoices();
  const groupId = useId();
  const method = recoveryOf(p);
  const labelled = choices.filter((c) => c.labelled);
  const usable = method === 'finetune' ? labelled : choices;
  const chosen = usable.find((c) => c.id === chosenId) ?? usable[0];
  const unavailable = unavailableText(graph, choices);
  const settings = p.distill ?? p.finetune;
  const epochs = settings?.epochs ?? (field(`${method ?? 'distill'}.epochs`).default as number);
  /** Switches method; its settings start at the method's defaults. */
  const choose = (m: RecoveryMethod) => update(m === 'distill' ? { finetune: undefined, distill: initialSection('distill') as never } : { distill: undefined, finetune: initialSection('finetune') as never });
  const setSettings = (changes: Record<string, number | string>) => update(method === 'distill' ? { distill: { ...p.distill, ...changes } as never } : { finetune: { ...p.finetune, ...changes } as never });
  const pickData = (id: string) => {
    // Unlabelled data cannot weigh labels: α goes back to 0 first (what the worker needs without labels), so no run pairs them.
    if (p.distill?.alpha && !choices.find((c) => c.id === id)?.labelled) setSettings({ alpha: 0 });
    setTrainData(id);
  };
  const lr = field(`${method ?? 'distill'}.learningRate`);
  const alpha = p.distill?.alpha ?? (field('distill.alpha').default as number);
  const temperature = p.distill?.temperature ?? (field('distill.temperature').default as number);
  return (
    <Card title="Recover" testId="card-recover" on={Boolean(method)} unavailable={unavailable} action={!method && !graph && !choices.length ? <AddFolder /> : undefined}
      onToggle={(on) => update(on ? { distill: initialSection('distill') as never, finetune: undefined } : { distill: undefined, finetune: undefined })}>
      <div role="radiogroup" aria-labelledby={groupId} className="option recover-method">
        <span id={groupId}>Method</span>
        {METHODS.map(([m, text]) => (
          <label key={m}><input type="radio" name={`${groupId}-method`} value={m} checked={method === m} disabled={m === 'finetune' && !labelled.length} onChange={() => choose(m)} /> {text}</label>
        ))}
      </div>
      {!labelled.length && <p className="hint" role="note">Fine-tuning needs labelled data: the bundled training split (MNIST, Fashion-MNIST) or a dropped folder with one subfolder per class.</p>}
      {chosen && (
        <Choice label="Training data" testId="recover-data" value={chosen.id} onChange={pickData}
          options={choices.map((c) => [c.id, `${c.name} · ${c.entry.count.toLocaleString('en-US')} images${c.labelled ? '' : ', no labels'}`])}
          disabled={(id) => method === 'finetune' && !labelled.some((c) => c.id === id)} />
      )}
      {!graph && <AddFolder />}
      {chosen && chosen.id === evaluatedId && (
        <p className="hint warn" role="note" data-testid="recover-same-data">Trains on the data it is measured on: the figures will flatter the compressed model. Measure on other data (Data set menu) for an honest figure.</p>
      )}
      <Slider label={field(`${method ?? 'distill'}.epochs`).label} testId="recover-epochs" range={field(`${method ?? 'distill'}.epochs`).control as ControlRange} value={epochs}
        display={`${epochs} on ${chosen ? chosen.entry.count.toLocaleString('en-US') : 0} images`} onChange={(v) => setSettings({ epochs: v })} />
      <Choice label={lr.label} testId="recover-lr" value={String(settings?.learningRate ?? lr.default)}
        options={(lr.control?.choices ?? []).map((x) => [String(x), String(x)])} onChange={(v) => setSettings({ learningRate: Number(v) })} />
      {method === 'distill' && (
        <>
          <Slider label={field('distill.temperature').label} testId="distill-temperature" range={field('distill.temperature').control as ControlRange}
            value={toSlider('distill.temperature', temperature)} display={`${temperature}`} onChange={(v) => setSettings({ temperature: fromSlider('distill.temperature', v) })} />
          <Slider label={field('distill.alpha').label} testId="distill-alpha" range={field('distill.alpha').control as ControlRange} disabled={!chosen?.labelled}
            value={toSlider('distill.alpha', alpha)} display={percentOf(alpha)} onChange={(v) => setSettings({ alpha: fromSlider('distill.alpha', v) })} />
          {!chosen?.labelled && <p className="hint" role="note">α weighs the labels' cross-entropy against the original's outputs; this data has no labels, so it learns from the original alone (α = 0).</p>}
          <Choice label={field('distill.mode').label} testId="distill-mode" value={p.distill?.mode ?? (field('distill.mode').default as string)}
            options={optionsOf('distill.mode')} onChange={(v) => setSettings({ mode: v })} />
        </>
      )}
      {run && run.method === method && <TrainingCurve run={run} />}
      <p className="hint">{method === 'distill'
        ? 'Trains the compressed model, in the worker, to give the original\'s outputs on the chosen images: first with pruned weights held at zero, then on the quantization grid or shared values.'
        : 'Trains the compressed model on the labels, in the worker: first with pruned weights held at zero, then quantizes or clusters and trains the shared values.'}{' '}
        Changing structure or pruning trains again (seconds to minutes).</p>
    </Card>
  );
}
