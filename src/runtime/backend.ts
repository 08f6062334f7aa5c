/**
 * Backend choice with real detection. tfjs falls back silently when a backend cannot start, so
 * after every switch we read back what `tf.getBackend()` says and describe it (SIMD, threads,
 * the GPU adapter). "auto" tries WebGPU → WASM → CPU, but passes over a WebGPU adapter that is a
 * software fallback (SwiftShader is ~50× slower than WASM) and says so.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendInfo, BackendName } from './protocol';

interface AdapterSummary { description: string; isFallback: boolean }

/** Asks the browser for a WebGPU adapter; a string says why there is none. */
export async function probeWebGpu(): Promise<AdapterSummary | string> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return 'this browser exposes no WebGPU (navigator.gpu is missing)';
  try {
    const adapter = (await gpu.requestAdapter()) as { info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null;
    if (!adapter) return 'the browser offered no WebGPU adapter';
    const info = adapter.info ?? {};
    const isFallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? info.architecture === 'swiftshader');
    const description = [info.vendor, info.architecture, info.description].filter((s) => typeof s === 'string' && s !== '').join(' ') || 'unknown adapter';
    return { description, isFallback };
  } catch (e) {
    return `requesting a WebGPU adapter failed: ${(e as Error).message}`;
  }
}

async function describe(active: BackendName, adapter: AdapterSummary | string | undefined): Promise<string> {
  if (active === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = getThreadsCount();
    return `WASM · ${simd ? 'SIMD' : 'no SIMD'} · ${threads} thread${threads === 1 ? '' : 's'}`;
  }
  if (active === 'webgpu') {
    const a = typeof adapter === 'object' ? adapter : undefined;
    return `WebGPU · ${a ? a.description : 'adapter'}${a?.isFallback ? ' (software fallback)' : ''}`;
  }
  return 'CPU · plain JavaScript (slowest)';
}

/**
 * How many threads the WASM backend should start with: every logical core the page is given
 * (tfjs-backend-wasm defaults to half of them), or 1 when the page is not cross-origin isolated
 * (no SharedArrayBuffer, so tfjs loads the single-threaded build anyway). `requested`, when
 * given, caps it (benchmarks compare 1 thread against all).
 */
export function wasmThreadCount(requested?: number): number {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const isolated = typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
  const cores = Math.max(1, Math.floor(g.navigator?.hardwareConcurrency ?? 1));
  if (!isolated) return 1;
  return requested === undefined ? cores : Math.max(1, Math.min(cores, Math.floor(requested)));
}

let wasmThreadsSet = false;

async function trySet(name: BackendName): Promise<boolean> {
  // setThreadsCount only counts before the backend's first initialisation; later calls are ignored.
  if (name === 'wasm' && !wasmThreadsSet) {
    setThreadsCount(wasmThreadCount());
    wasmThreadsSet = true;
  }
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Switches tfjs to the chosen backend (or the best one for "auto") and reports what runs. */
export async function selectBackend(choice: BackendChoice): Promise<BackendInfo> {
  const unavailable: Partial<Record<BackendName, string>> = {};
  const adapter = await probeWebGpu();
  if (typeof adapter === 'string') unavailable.webgpu = adapter;
  let note: string | undefined;
  let order: BackendName[];
  if (choice === 'auto') {
    order = ['webgpu', 'wasm', 'cpu'];
    if (typeof adapter === 'object' && adapter.isFallback) {
      order = ['wasm', 'webgpu', 'cpu'];
      note = `auto chose WASM: the only WebGPU adapter is a software fallback (${adapter.description}), much slower than WASM`;
    }
  } else {
    order = [choice, ...(['wasm', 'cpu'] as BackendName[]).filter((b) => b !== choice)];
  }
  for (const name of order) {
    if (name === 'webgpu' && unavailable.webgpu) continue;
    if (await trySet(name)) {
      if (choice !== 'auto' && name !== choice) {
        note = `${choice} could not start (${unavailable[choice] ?? 'tfjs refused it'}); running on ${name} instead`;
      }
      return { requested: choice, active: name, detail: await describe(name, adapter), unavailable, note };
    }
    unavailable[name] ??= 'tfjs could not initialise it';
  }
  throw new Error('no tfjs backend could start (WebGPU, WASM and CPU all failed)');
}
