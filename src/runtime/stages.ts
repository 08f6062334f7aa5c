/**
 * The stage view, measured: each stage's compact-file bytes (model/compress/stages.ts) and its
 * top-1 on the first `limit` validation samples (on unlabelled data: top-1 agreement with the
 * original). The original and the final stage are the models the studio holds (the final one
 * loaded from its TF.js export, as everywhere); the stages in between are built from their parts
 * and disposed. 'coded' only re-codes the final model losslessly, so it takes the final accuracy.
 */
import { buildStages, type FinalCompression } from '../model/compress/stages';
import type { Dataset } from '../model/dataset';
import type { CompressionPlan } from '../model/planTypes';
import { tfModelFromParts, type ModelParts, type TfModel } from '../model/weights';
import { evaluateModel } from './evaluate';
import type { StageResult, StagesResult } from './protocol';

/** What measureStages needs of its caller: cancellation, and progress as evaluations done of total. */
export interface StageHooks {
  isCancelled: () => boolean;
  onProgress: (done: number, total: number, message: string) => void;
}

/**
 * The stages of compressing `parts` by `plan` into `final` (its exported file `exportedBytes`
 * long), each evaluated on the first `limit` samples of `ds`. Throws when the coded stage's bytes
 * are not the exported file's (they must be equal by construction). Undefined when cancelled.
 */
export async function measureStages(parts: ModelParts, plan: CompressionPlan, final: FinalCompression & { exportedBytes: number },
  models: { original: TfModel; final: TfModel }, ds: Dataset, limit: number | undefined, hooks: StageHooks): Promise<StagesResult | undefined> {
  const builds = buildStages(parts, plan, final);
  const coded = builds[builds.length - 1];
  if (coded.bytes !== final.exportedBytes) throw new Error(`stage view: the coded stage is ${coded.bytes} bytes but the exported file ${final.exportedBytes} (internal error)`);
  const evaluated = builds.filter((b) => b.id !== 'coded' || !builds.some((o) => o.id !== 'coded' && o.model === 'final'));
  const options = { limit, latencyRuns: 1, warmupRuns: 0, throughputBatch: 1, sampleCount: 0 };
  let reference: Float32Array | undefined;
  const scores = new Map<string, number>();
  let done = 0;
  hooks.onProgress(done, evaluated.length, 'stages: the original');
  for (const b of evaluated) {
    if (hooks.isCancelled()) return undefined;
    const own = b.model === 'own' ? await tfModelFromParts(b.parts) : undefined;
    try {
      const model = own ?? (b.model === 'original' ? models.original : models.final);
      const r = await evaluateModel(model, ds, options, {
        job: 0, isCancelled: hooks.isCancelled, reference: b.model === 'original' ? undefined : reference,
        onOutputs: b.model === 'original' ? (o) => { reference = o; } : undefined,
      });
      if (r.type !== 'done') return undefined;
      scores.set(b.model === 'own' ? b.id : b.model, ds.labels ? r.accuracy : b.model === 'original' ? 1 : (r.fidelity?.agreement ?? NaN));
    } finally {
      own?.dispose();
    }
    hooks.onProgress(++done, evaluated.length, `stages: ${b.name}`);
  }
  const stages: StageResult[] = builds.map((b, i) => ({
    id: b.id, name: b.name, bytes: b.bytes, ratio: builds[0].bytes / b.bytes, saved: i ? builds[i - 1].bytes - b.bytes : 0,
    what: b.what, notes: b.notes, model: b.model, accuracy: scores.get(b.model === 'own' ? b.id : b.model) ?? NaN,
  }));
  return { plan, stages, metric: ds.labels ? 'accuracy' : 'agreement', count: Math.min(limit ?? ds.entry.count, ds.entry.count), dataset: ds.entry.id };
}
