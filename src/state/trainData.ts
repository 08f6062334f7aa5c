/**
 * Which data a plan's recovery (fine-tuning or distillation) and its Taylor scores train on: the
 * bundled training split of the model's data, or any data set the user dropped. Pure reads of the
 * studio state, shared by the plan slice (it builds the worker's TrainSource) and the Recover card.
 */
import type { DatasetEntry } from '../model/dataset';
import type { CompressionPlan } from '../model/plan';
import { imageShape, isUserData } from './selectors';
import type { StudioState } from './types';

/** A data set a recovery can train on, with its entry as the worker gets it. */
export interface TrainChoice {
  /** the bundled split's id ("mnist-train") or the user's data set id ("user-3") */
  id: string;
  name: string;
  /** the entry passed in the TrainSource (a bundled split preprocessed as the validation data is) */
  entry: DatasetEntry;
  /** whether it has labels (fine-tuning and α > 0 need them) */
  labelled: boolean;
  /** bundled with the studio (and so nameable in a link) */
  bundled: boolean;
}

/** How a plan recovers: 'distill', 'finetune', or undefined when it trains nothing. */
export type RecoveryMethod = 'distill' | 'finetune';

/** The recovery a plan asks for (parsePlan refuses both at once; distill wins if both slip in). */
export const recoveryOf = (plan: CompressionPlan | undefined): RecoveryMethod | undefined => (plan?.distill ? 'distill' : plan?.finetune ? 'finetune' : undefined);

export { needsTrainData, usesTaylorScores as usesTaylor } from '../model/planFields';

type Reads = Pick<StudioState, 'datasets' | 'datasetId' | 'trainSplits' | 'catalog' | 'modelId' | 'model'>;

/** The bundled validation entry of each bundled training split that can train the model now: [validation, training] pairs. */
function bundledPairs(s: Reads): [DatasetEntry, DatasetEntry][] {
  const current = s.datasets.find((d) => d.id === s.datasetId && !isUserData(d.id));
  const ownId = s.catalog.find((m) => m.id === s.modelId)?.dataset;
  const val = current ?? s.datasets.find((d) => d.id === ownId);
  const pair = (v: DatasetEntry): [DatasetEntry, DatasetEntry][] => s.trainSplits.filter((t) => t.dataset === v.dataset).slice(0, 1).map((t) => [v, t]);
  if (val) return pair(val);
  // A user's model on the user's data: every bundled split whose images are the model's input as they are.
  let shape: string | undefined;
  try { shape = s.model ? imageShape(s.model).join() : undefined; } catch { shape = undefined; }
  const vals = s.datasets.filter((d) => !isUserData(d.id) && d.shape.join() === shape);
  return vals.filter((v, i) => vals.findIndex((w) => w.dataset === v.dataset) === i).flatMap(pair);
}

/**
 * Every data set a recovery can train on, bundled first: the training split of the bundled data
 * the model is measured on (the current data set when it is bundled, else the catalog model's;
 * for a user's model on the user's data, every bundled split of the model's input shape),
 * preprocessed as that validation data is; then each data set the user dropped, as imported.
 */
export function trainChoices(s: Reads): TrainChoice[] {
  const out: TrainChoice[] = bundledPairs(s).map(([val, split]) => (
    { id: split.id, name: split.name, entry: { ...split, scale: val.scale, mean: val.mean, std: val.std }, labelled: Boolean(split.labels), bundled: true }));
  for (const d of s.datasets.filter((x) => isUserData(x.id))) out.push({ id: d.id, name: d.name, entry: d, labelled: Boolean(d.labels), bundled: false });
  return out;
}

/**
 * The data `plan` trains on given the chosen id: among the choices the method can use (labelled
 * ones for fine-tuning), the chosen one, else the first (the bundled split when there is one).
 * Undefined when none fits.
 */
export function chosenTrainData(s: Reads & Pick<StudioState, 'trainDataId'>, plan: CompressionPlan | undefined): TrainChoice | undefined {
  const usable = trainChoices(s).filter((c) => recoveryOf(plan) !== 'finetune' || c.labelled);
  return usable.find((c) => c.id === s.trainDataId) ?? usable[0];
}
