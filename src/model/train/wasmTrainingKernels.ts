/**
 * The gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks, and faster ones for those it
 * has, so that models train (in scripts) and fine-tune (in the browser) on the WASM backend:
 *
 * - `Conv2DBackpropFilter` (missing): im2col + one XNNPACK MatMul for small fan-in, else a
 *   dilated XNNPACK Conv2D (wasmFastGrads.ts).
 * - `Conv2DBackpropInput`, `BatchMatMul`, `MaxPoolGrad` (present but slow on the paths gradients
 *   take): wrapped so that stride-1 input gradients run as a forward Conv2D, transposed matmuls as
 *   Transpose + plain MatMul (wasmFastGrads.ts) and max-pool gradients as one JS scatter
 *   (wasmPoolGrad.ts); the backend's own kernels stay the fallback.
 * - `DepthwiseConv2dNativeBackpropFilter` / `…BackpropInput` (missing): direct loops over the heap
 *   arrays (depthwise layers are small: O(B·OH·OW·C·M·KH·KW), the same as the forward pass).
 * - FusedBatchNorm's gradient without the Tile of tfjs-core's.
 *
 * Registration is idempotent. `setFastWasmTrainingKernels(false)` restores the previous
 * formulations (dilated-conv filter gradient, the backend's own input gradient and matmul) so
 * benchmarks can compare both in one process.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterDilated, conv2DBackpropFilterFast, conv2DBackpropInputAsConv,
  untransposedBatchMatMul, type Kernel, type KernelArgs } from './wasmFastGrads';
import { maxPoolGradScatter } from './wasmPoolGrad';

type Info = tf.TensorInfo;

let fast = true;

/** Chooses the fast gradient formulations (default) or the previous ones (for benchmarks). */
export function setFastWasmTrainingKernels(on: boolean): void {
  fast = on;
}

function conv2DBackpropFilter(args: KernelArgs): Info {
  return fast ? conv2DBackpropFilterFast(args) : conv2DBackpropFilterDilated(args);
}

interface DepthwiseGeometry {
  info: tf.backend_util.Conv2DInfo;
  multiplier: number;
}

function depthwiseGeometry(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap | undefined): DepthwiseGeometry {
  const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as {
    strides: number | [number, number]; pad: 'valid' | 'same' | number;
    dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    strides, dilations ?? 1, pad, dimRoundingMode, true);
  return { info, multiplier: filterShape[3] };
}

/**
 * Accumulates a depthwise convolution's gradient over every (input, filter tap, output) triple:
 * mode "filter": out[w] += x[xi] · dy[yi]; mode "input": out[xi] += w[wi] · dy[yi]. One loop for
 * both so their indexing agrees (and no per-tap callback, which V8 does not inline here).
 */
function depthwiseAccumulate({ info, multiplier }: DepthwiseGeometry, mode: 'filter' | 'input', a: Float32Array, dyv: Float32Array, out: Float32Array) {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth,
    dilationHeight, dilationWidth, filterHeight, filterWidth, padInfo } = info;
  const outChannels = inChannels * multiplier;
  const toFilter = mode === 'filter';
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let kh = 0; kh < filterHeight; kh++) {
        const iy = oy * strideHeight + kh * dilationHeight - padInfo.top;
        if (iy < 0 || iy >= inHeight) continue;
        for (let ox = 0; ox < outWidth; ox++) {
          const yBase = ((b * outHeight + oy) * outWidth + ox) * outChannels;
          for (let kw = 0; kw < filterWidth; kw++) {
            const ix = ox * strideWidth + kw * dilationWidth - padInfo.left;
            if (ix < 0 || ix >= inWidth) continue;
            const xBase = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            const wBase = (kh * filterWidth + kw) * outChannels;
            if (toFilter) {
              for (let c = 0; c < inChannels; c++) {
                const xc = a[xBase + c];
                for (let m = 0; m < multiplier; m++) out[wBase + c * multiplier + m] += xc * dyv[yBase + c * multiplier + m];
              }
            } else {
              for (let c = 0; c < inChannels; c++) {
                let acc = 0;
                for (let m = 0; m < multiplier; m++) acc += a[wBase + c * multiplier + m] * dyv[yBase + c * multiplier + m];
                out[xBase + c] += acc;
              }
            }
          }
        }
      }
    }
  }
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const filterShape = (attrs as unknown as { filterShape: number[] }).filterShape;
  const dw = new Float32Array(filterShape.reduce((a, b) => a * b, 1));
  depthwiseAccumulate(depthwiseGeometry(x.shape, filterShape, attrs), 'filter',
    wasm.typedArrayFromHeap(x) as Float32Array, wasm.typedArrayFromHeap(dy) as Float32Array, dw);
  return wasm.makeOutput(filterShape, 'float32', undefined, dw);
}

function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): Info {
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const inputShape = (attrs as unknown as { inputShape: number[] }).inputShape;
  const dx = new Float32Array(inputShape.reduce((a, b) => a * b, 1));
  depthwiseAccumulate(depthwiseGeometry(inputShape, filter.shape, attrs), 'input',
    wasm.typedArrayFromHeap(filter) as Float32Array, wasm.typedArrayFromHeap(dy) as Float32Array, dx);
  return wasm.makeOutput(inputShape, 'float32', undefined, dx);
}

const KERNELS: tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as tf.KernelFunc },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilter as tf.KernelFunc },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInput as tf.KernelFunc },
];

/**
 * FusedBatchNorm's gradient, the same values as tfjs-core's with far fewer full-size ops. With
 * r = 1/√(var + ε), γ the scale and per-channel sums Σ over the reduced (batch, spatial) axes:
 *   ∂L/∂x = dy·γr,  ∂L/∂offset = Σdy,  ∂L/∂μ = −γr·Σdy,  ∂L/∂γ = r·Σdy(x−μ),
 *   ∂L/∂var = −½γr³·Σdy(x−μ),
 * so one Sub, two Multiplies and two Sums over the activation instead of tfjs-core's Tile of r
 * (the slowest kernel of a BN training step on wasm) and its seven full-size Multiplies and four
 * Sums. Mean and variance are treated as inputs, as tfjs-core does.
 */
const fusedBatchNormGrad: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const g = dy as tf.Tensor;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const gamma = scale ?? tf.scalar(1);
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => (mean.rank === 1 ? tf.sum(t, axes) : t).reshape(mean.shape);
    const rsqrt = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    // The two sums every parameter's gradient needs, computed once (the outer tidy disposes them).
    const sumDy = reduce(g);
    const sumDyXc = reduce(tf.mul(g, tf.sub(x, mean)));
    return {
      x: () => tf.mul(g, tf.mul(gamma, rsqrt)).reshape(x.shape),
      mean: () => tf.mul(tf.neg(tf.mul(gamma, rsqrt)), sumDy).reshape(mean.shape),
      variance: () => tf.mul(tf.mul(tf.mul(tf.pow(rsqrt, 3), -0.5), gamma), sumDyXc).reshape(mean.shape),
      scale: () => tf.mul(rsqrt, sumDyXc).reshape(mean.shape),
      offset: () => sumDy.clone(),
    };
  },
};

const WRAPPERS: [string, (args: KernelArgs, original: Kernel) => Info][] = [
  ['Conv2DBackpropInput', (args) => conv2DBackpropInputAsConv(args)],
  ['BatchMatMul', untransposedBatchMatMul],
  ['MaxPoolGrad', (args) => maxPoolGradScatter(args)],
];
const wrapped = new WeakSet<object>();

/** Replaces the backend's kernel by `faster` (which may call it back), keeping its setup; once. */
function wrapKernel(kernelName: string, faster: (args: KernelArgs, original: Kernel) => Info) {
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config || wrapped.has(config.kernelFunc)) return;
  const original = config.kernelFunc as unknown as Kernel;
  const kernelFunc = ((args: KernelArgs) => (fast ? faster(args, original) : original(args))) as unknown as tf.KernelFunc;
  wrapped.add(kernelFunc);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc });
}

/**
 * Registers the missing WASM gradient kernels (no-op for those already present), wraps the slow
 * ones (once), and registers the broadcasting FusedBatchNorm gradient (backend-independent; same
 * values as tfjs-core's). Call before the first training step; safe to call again.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of KERNELS) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
  for (const [name, faster] of WRAPPERS) wrapKernel(name, faster);
  if (!registeredBatchNormGrad) {
    tf.registerGradient(fusedBatchNormGrad);
    registeredBatchNormGrad = true;
  }
}
let registeredBatchNormGrad = false;
