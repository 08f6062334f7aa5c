/**
 * The gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks, so that convolutional models
 * can be trained (in scripts) and fine-tuned (in the browser) on the WASM backend:
 *
 * - `Conv2DBackpropFilter`: composed from the backend's own fast kernels. For NHWC input x
 *   [B,H,W,Ci], output gradient dy [B,OH,OW,Co], stride s and dilation 1,
 *     dW[kh,kw,ci,co] = Σ_{b,oy,ox} xpad[b, oy·s+kh, ox·s+kw, ci] · dy[b,oy,ox,co],
 *   which is a VALID convolution of xpadᵀ [Ci,Hp,Wp,B] with the filter dyᵀ [OH,OW,B,Co] at
 *   dilation s (batch plays the role of channels), giving [Ci,≥KH,≥KW,Co] → slice → transpose.
 * - `DepthwiseConv2dNativeBackpropFilter` / `…BackpropInput`: direct loops over the heap arrays
 *   (depthwise layers are small: the loops cost O(B·OH·OW·C·M·KH·KW), the same as the forward pass).
 *
 * Registration is idempotent and only touches kernels that are missing.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;

function run(kernelName: string, backend: BackendWasm, inputs: Record<string, Info>, attrs: Attrs): Info {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`wasm backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as Info;
}

function conv2DBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: number | [number, number]; pad: 'valid' | 'same' | number; dataFormat: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number];
  };
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm: only NHWC is supported, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  const temps: Info[] = [];
  const keep = (t: Info) => { temps.push(t); return t; };
  const xPadded = top || bottom || left || right
    ? keep(run('PadV2', wasm, { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }))
    : x;
  const xT = keep(run('Transpose', wasm, { x: xPadded }, { perm: [3, 1, 2, 0] }));
  const dyT = keep(run('Transpose', wasm, { x: dy }, { perm: [1, 2, 0, 3] }));
  const full = keep(run('Conv2D', wasm, { x: xT, filter: dyT }, {
    strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth],
  }));
  const [kh, kw, ci, co] = filterShape;
  const sliced = full.shape[1] === kh && full.shape[2] === kw
    ? full
    : keep(run('Slice', wasm, { x: full }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] }));
  const out = run('Transpose', wasm, { x: sliced }, { perm: [1, 2, 0, 3] });
  for (const t of temps) wasm.disposeData(t.dataId);
  return out;
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
 * Visits every (input position, filter tap, output position) triple of a depthwise convolution,
 * calling f(xIndex, wIndex, yIndex); shared by both gradient kernels so their indexing agrees.
 */
function forEachDepthwiseTap({ info, multiplier }: DepthwiseGeometry, f: (xi: number, wi: number, yi: number) => void) {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth,
    dilationHeight, dilationWidth, filterHeight, filterWidth, padInfo } = info;
  const outChannels = inChannels * multiplier;
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
            const wBase = (kh * filterWidth + kw) * inChannels * multiplier;
            for (let c = 0; c < inChannels; c++) {
              for (let m = 0; m < multiplier; m++) {
                f(xBase + c, wBase + c * multiplier + m, yBase + c * multiplier + m);
              }
            }
          }
        }
      }
    }
  }
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: Info; dy: Info };
  const filterShape = (attrs as unknown as { filterShape: number[] }).filterShape;
  const geometry = depthwiseGeometry(x.shape, filterShape, attrs);
  const xv = wasm.typedArrayFromHeap(x) as Float32Array;
  const dyv = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dw = new Float32Array(filterShape.reduce((a, b) => a * b, 1));
  forEachDepthwiseTap(geometry, (xi, wi, yi) => { dw[wi] += xv[xi] * dyv[yi]; });
  return wasm.makeOutput(filterShape, 'float32', undefined, dw);
}

function depthwiseBackpropInput({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const inputShape = (attrs as unknown as { inputShape: number[] }).inputShape;
  const geometry = depthwiseGeometry(inputShape, filter.shape, attrs);
  const wv = wasm.typedArrayFromHeap(filter) as Float32Array;
  const dyv = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = new Float32Array(inputShape.reduce((a, b) => a * b, 1));
  forEachDepthwiseTap(geometry, (xi, wi, yi) => { dx[xi] += wv[wi] * dyv[yi]; });
  return wasm.makeOutput(inputShape, 'float32', undefined, dx);
}

const KERNELS: tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as tf.KernelFunc },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilter as tf.KernelFunc },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInput as tf.KernelFunc },
];

/**
 * FusedBatchNorm's gradient as in tfjs-core, except that ∂L/∂x = dy · scale / √(var + ε) broadcasts
 * instead of tiling 1/√(var + ε) to the full activation shape (that Tile was the slowest kernel of a
 * BN training step on wasm). Mean and variance are treated as inputs, as tfjs-core does.
 */
const fusedBatchNormGrad: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const g = dy as tf.Tensor;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const scaleValue = scale ?? tf.scalar(1);
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => (mean.rank === 1 ? tf.sum(t, axes) : t).reshape(mean.shape);
    const rsqrt = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const xMinusMean = tf.sub(x, mean);
    const dyScaled = tf.mul(g, scaleValue);
    return {
      x: () => tf.mul(dyScaled, rsqrt).reshape(x.shape),
      mean: () => reduce(tf.mul(tf.neg(rsqrt), dyScaled)),
      variance: () => reduce(tf.mul(tf.mul(tf.pow(rsqrt, 3), -0.5), tf.mul(xMinusMean, dyScaled))),
      scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, rsqrt))),
      offset: () => reduce(g),
    };
  },
};

/**
 * Registers the missing WASM gradient kernels (no-op for those already present) and the
 * broadcasting FusedBatchNorm gradient (backend-independent; same values as tfjs-core's).
 */
export function registerWasmTrainingKernels(): void {
  for (const config of KERNELS) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
  if (!registeredBatchNormGrad) {
    tf.registerGradient(fusedBatchNormGrad);
    registeredBatchNormGrad = true;
  }
}
let registeredBatchNormGrad = false;
