/// <reference lib="webworker" />
/**
 * Times model.trainOnBatch (Adam, categorical cross-entropy) on tfjs-wasm in a worker, as the
 * studio's worker trains: same WASM binaries, gradient kernels and thread start-up
 * (startWasmWithThreads), thread count from the request.
 * Inputs are random images and labels (speed does not depend on the values). For every model and
 * batch size: the previous and the current gradient kernels, interleaved; 2 warm-up steps, then
 * the median of `steps` steps.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmTrainingKernels, setFastWasmTrainingKernels } from '../../src/model/train/wasmTrainingKernels';
import { startWasmWithThreads } from '../../src/runtime/backend';
import type { TrainBenchMessage, TrainBenchRequest, TrainBenchRow } from './protocol';
import { median, stepMs } from './stepTime';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
const post = (m: TrainBenchMessage) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);

self.onmessage = async (e: MessageEvent<TrainBenchRequest>) => {
  try {
    const req = e.data;
    registerWasmTrainingKernels();
    // As the studio starts it (src/runtime/backend.ts), but with the requested thread count.
    if (!(await startWasmWithThreads(req.threads, () => tf.setBackend('wasm')))) throw new Error('tfjs-wasm did not start');
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const mt = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    post({ type: 'progress', text: `WASM ${simd ? 'SIMD' : 'no SIMD'}, ${mt ? 'threaded build' : 'single-threaded build'}, asked ${req.threads} thread(s), got ${getThreadsCount()}; crossOriginIsolated ${self.crossOriginIsolated}` });
    const opMs = (f: () => tf.Tensor) => {
      const times: number[] = [];
      for (let i = 0; i < 12; i++) { const t0 = performance.now(); const r = f(); r.dataSync(); r.dispose(); if (i >= 2) times.push(performance.now() - t0); }
      return median(times);
    };
    const [cx, cw, ma, mb] = [tf.randomUniform([256, 12, 12, 20]), tf.randomUniform([5, 5, 20, 50]), tf.randomUniform([512, 800]), tf.randomUniform([800, 500])];
    const opsMs = { conv: opMs(() => tf.conv2d(cx as tf.Tensor4D, cw as tf.Tensor4D, 1, 'valid')), matMul: opMs(() => tf.matMul(ma, mb)) };
    tf.dispose([cx, cw, ma, mb]);
    post({ type: 'progress', text: `XNNPACK alone: conv ${opsMs.conv.toFixed(1)} ms, matMul ${opsMs.matMul.toFixed(1)} ms` });
    const rows: TrainBenchRow[] = [];
    for (const id of req.models) {
      const model = await tf.loadLayersModel(`/models/${id}/model.json`);
      model.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
      for (const batch of req.batches) {
        const x = tf.randomUniform([batch, 28, 28, 1]);
        const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10).toFloat());
        for (const kernels of ['previous', 'current'] as const) {
          setFastWasmTrainingKernels(kernels === 'current');
          const msPerStep = await stepMs(model, x, y, req.steps);
          rows.push({ model: id, batch, kernels, msPerStep });
          post({ type: 'progress', text: `${id} batch ${batch} ${kernels} kernels: ${msPerStep.toFixed(1)} ms/step` });
        }
        tf.dispose([x, y]);
      }
      model.dispose();
    }
    setFastWasmTrainingKernels(true);
    post({ type: 'done', result: { threads: getThreadsCount(), simd, crossOriginIsolated: self.crossOriginIsolated, rows, opsMs } });
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};
