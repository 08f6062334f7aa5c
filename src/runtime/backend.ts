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

/**
 * Starts the WASM backend (`start`, e.g. tf.setBackend('wasm')) with `threads` XNNPACK threads.
 * tfjs-backend-wasm 4.22 caps its pool at half the logical cores whatever setThreadsCount says
 * (backend.cc: min(requested, 8, emscripten_num_logical_cores() / 2), read from
 * navigator.hardwareConcurrency once, when the module starts), so a 2-core machine gets 1 thread.
 * While `start` runs, this reports twice `threads` as the core count, then restores the real one.
 * The thread count is fixed at the backend's first start; later calls only run `start`.
 */
export async function startWasmWithThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  if (wasmStarted) return start();
  wasmStarted = true;
  setThreadsCount(threads);
  const nav = (globalThis as { navigator?: object }).navigator;
  const own = nav && Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  // Browsers define it as a getter on (Worker)Navigator.prototype, so an own property shadows it.
  const shadow = threads > 1 && nav !== undefined && (own === undefined || own.configurable === true);
  if (shadow) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  try {
    return await start();
  } finally {
    if (shadow && own) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else if (shadow) delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}
let wasmStarted = false;

async function trySet(name: BackendName): Promise<boolean> {
  if (name === 'wasm') return startWasmWithThreads(wasmThreadCount(), () => setAndCheck(name));
  return setAndCheck(name);
}

async function setAndCheck(name: BackendName): Promise<boolean> {
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
