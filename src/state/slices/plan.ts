/**
 * Plan & compression: the plan the controls describe, compressing and measuring it in the worker
 * (debounced; a newer move supersedes an older job), the chart points, and the downloads.
 */
import type { StateCreator } from 'zustand';
import { describePlan } from '../../model/describePlan';
import { reportCsv, reportJson, reportMeta } from '../report';
import { appendToZip } from '../../model/export/exportFiles';
import type { CompressionPlan } from '../../model/plan';
import type { ProgressEvent, TrainingMetrics } from '../../runtime/protocol';
import { currentDataset, downloadName, nextPointId, preprocessingKey, scoreOf, sizeReferences } from '../selectors';
import { chosenTrainData, needsTrainData, recoveryOf } from '../trainData';
import type { ChartPoint, PlanSlice, SliceContext, StudioState, TrainingRun } from '../types';
import { busyProgress } from '../stepBusy';

/** A burst of plan moves (a drag, a held key) runs its last move this many ms after the burst. */
export const PLAN_DEBOUNCE_MS = 250;

/** The plan & compression slice of a studio store made with `ctx` (zustand slices pattern). */
export const createPlanSlice = ({ deps, runner }: SliceContext): StateCreator<StudioState, [], [], PlanSlice> => (set, get) => {
  const studio = () => deps.studio();
  /** The debounce of setPlan: set while a burst of moves is going on. */
  let planTimer: ReturnType<typeof setTimeout> | undefined;

  /** The last recovery that finished: shown again when a newer one is superseded or cancelled. */
  let lastFinished: TrainingRun | undefined;

  /** Adds a training report of `job` to the curve; the first report of a new job starts a new curve. */
  const noteTraining = (job: number, plan: CompressionPlan, data: string, t: TrainingMetrics) => {
    if (!runner.isCurrent(job)) return;
    const run = get().training;
    const point = { step: t.step, loss: t.loss, agreement: t.agreement };
    set({ training: run?.job === job ? { ...run, steps: t.steps, points: [...run.points, point] }
      : { job, method: recoveryOf(plan) ?? 'finetune', data, points: [point], steps: t.steps, finished: false } });
  };

  /** Drops the compression (page and worker): the original model is what shows and exports. */
  const clearCompression = () => {
    runner.held = undefined;
    void studio().clearCompression().catch(() => {});
    set({ compressed: undefined, compressedEval: undefined });
  };

  return {
    points: [],

    async measurePlan(plan, kind) {
      const { model } = get();
      const entry = currentDataset(get());
      if (!model || !entry) return undefined;
      const job = runner.start('compressing');
      const show = runner.progress(job);
      // Recovery and Taylor scores train on the chosen data (default: the bundled training split, preprocessed as the validation data is).
      const data = needsTrainData(plan) ? chosenTrainData(get(), plan) : undefined;
      const train = data ? { entry: data.entry, baseUrl: deps.baseUrl } : undefined;
      const onProgress = deps.proxy((p: ProgressEvent) => {
        show(p);
        if (p.training && p.job === job && data) noteTraining(job, plan, data.name, p.training);
      });
      try {
        const done = await studio().compressStaged(job, plan, train, onProgress);
        if (done.type !== 'done' || !runner.isCurrent(job)) return undefined;
        const run = get().training;
        if (run?.job === job) set({ training: (lastFinished = { ...run, finished: true }) });
        runner.held = job;
        // New sizes with old accuracy would mix two plans: show "…" until this one is evaluated.
        // The gzip and zip lengths (NaN until then) are measured on another thread meanwhile.
        set({ compressed: done.summary, compressedEval: undefined });
        const sized = studio().compressedSizes(job).then((sizes) => {
          if (sizes && runner.isCurrent(job)) set({ compressed: { ...done.summary, sizes } });
          return sizes;
        });
        const [outcome, sizes] = await Promise.all([studio().evaluate(job, entry, deps.baseUrl, {}, onProgress, 'compressed'), sized]);
        if (outcome.type !== 'done' || !sizes || !runner.isCurrent(job)) return undefined;
        const point: ChartPoint = {
          id: nextPointId(get().points), kind, label: describePlan(plan), modelName: model.name, ...scoreOf(outcome),
          compactBytes: done.summary.sizes.compact.raw, tfjsBytes: done.summary.sizes.tfjs.raw, gzipBytes: sizes.tfjs.gzip, ...sizeReferences(model),
          latencyMs: outcome.latency.medianMs, backend: outcome.backend, dataset: entry.id, preprocessing: preprocessingKey(entry), plan,
          ...(data ? { trainData: data.id } : {}),
        };
        set({ compressedEval: outcome, points: [...get().points, point] });
        return point;
      } finally {
        // A recovery cut short (superseded, cancelled, failed) leaves the last finished curve, as it leaves the last model.
        if (get().training?.job === job && !get().training?.finished) set({ training: lastFinished });
        runner.end(job);
      }
    },

    setTrainData(id) {
      set({ trainDataId: id });
      const { plan } = get();
      if (needsTrainData(plan)) get().setPlan(plan);
    },

    async runPlan() {
      const { plan, model } = get();
      // During a baseline evaluation the plan waits: evaluate() runs it when the baseline is in.
      if (!model || get().sweep?.running || runner.baselineRunning || runner.restarting) return;
      if (!plan) {
        void runner.cancel()?.catch(() => {}); // a compression still running is moot
        clearCompression();
        return;
      }
      try {
        await get().measurePlan(plan, 'compressed');
      } catch (e) {
        get().reportError('Compression failed', e);
      }
    },

    setPlan(plan) {
      set({ plan });
      // Debounced with a leading edge: a move after a pause (none in the last 250 ms) runs at once;
      // in a burst of moves (a drag, a held key) the last one runs 250 ms after the burst, and
      // supersedes the first one's job if it is still running.
      const leading = planTimer === undefined;
      clearTimeout(planTimer);
      planTimer = setTimeout(() => {
        planTimer = undefined;
        if (!leading) void get().runPlan();
      }, PLAN_DEBOUNCE_MS);
      if (leading) void get().runPlan();
    },

    async download(format, options) {
      try {
        if (runner.held === undefined || runner.current !== undefined) throw new Error('the compression is still being measured; export when it is done');
        if (!deps.saveBlob) throw new Error('this page cannot offer downloads');
        if (options?.extra && format !== 'tfjs-zip') throw new Error(`${options.extra.name} goes into the TF.js .zip only; save it on its own beside this export`);
        // A big model's zip takes seconds (DEFLATE level 9 of every file): say what runs meanwhile, file by file (the compact file is a copy).
        set({ busy: { compact: 'Writing the compact file…', keras: 'Writing the Keras file…', 'tfjs-zip': 'Zipping the TF.js files (DEFLATE level 9)…' }[format] });
        const steps = busyProgress((busy) => set({ busy }), 'Export');
        const exporting = format === 'compact' ? studio().exportModel(format, runner.held) : studio().exportModel(format, runner.held, deps.proxy(steps.onProgress));
        const exported = await exporting.finally(() => { steps.end(); set({ busy: undefined }); });
        const { fileName } = exported;
        const bytes = options?.extra ? appendToZip(exported.bytes, options.extra) : exported.bytes;
        deps.saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: format === 'tfjs-zip' || fileName.endsWith('.keras') ? 'application/zip' : 'application/octet-stream' }),
          downloadName(get().model, fileName));
      } catch (e) {
        get().reportError('Export failed', e);
      }
    },

    restorePoint(id) {
      const point = get().points.find((p) => p.id === id);
      if (!point || get().sweep?.running) return;
      // A recovered point trained on its own data: that data comes back with its plan.
      if (point.trainData) set({ trainDataId: point.trainData });
      get().setPlan(point.plan ? structuredClone(point.plan) : undefined);
    },

    downloadReport(format) {
      const s = get();
      const text = format === 'json' ? reportJson(s.points, reportMeta(s.model, currentDataset(s), s.backend?.detail, new Date())) : reportCsv(s.points);
      deps.saveBlob?.(new Blob([text], { type: format === 'json' ? 'application/json' : 'text/csv' }), `compression-report.${format}`);
    },
  };
};
