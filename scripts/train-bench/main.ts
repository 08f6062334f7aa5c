/**
 * The benchmark page: starts the worker with the query's settings and exposes its result as
 * `window.trainBench` (a Promise of `TrainBenchResult`), logging progress to the page and console.
 * Query: threads (default: all cores), batches (default 32,64,128,256), steps (timed steps, default 5),
 * models (default the three bundled layers models).
 */
import type { TrainBenchRequest, TrainBenchMessage, TrainBenchResult } from './protocol';

const q = new URLSearchParams(location.search);
const list = (key: string, fallback: string) => (q.get(key) ?? fallback).split(',').filter((s) => s !== '');
const request: TrainBenchRequest = {
  threads: Number(q.get('threads') ?? navigator.hardwareConcurrency),
  batches: list('batches', '32,64,128,256').map(Number),
  steps: Number(q.get('steps') ?? 5),
  models: list('models', 'lenet-300-100,lenet-5,fashion-cnn'),
};
const log = document.getElementById('log')!;
const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
(window as unknown as { trainBench: Promise<TrainBenchResult> }).trainBench = new Promise((resolve, reject) => {
  worker.onmessage = (e: MessageEvent<TrainBenchMessage>) => {
    const m = e.data;
    if (m.type === 'progress') { log.textContent += `\n${m.text}`; console.log(m.text); }
    if (m.type === 'done') resolve(m.result);
    if (m.type === 'error') reject(new Error(m.message));
  };
  worker.onerror = (e) => reject(new Error(e.message));
});
worker.postMessage(request);
