/**
 * The shareable settings, one declarative table (as TF Playground's state.ts PROPS) that reads
 * and writes the URL hash, so a workshop link reopens the same view: #model=lenet-5&backend=wasm.
 */
import type { BackendChoice } from '../runtime/protocol';

export interface UrlSettings {
  model?: string;
  dataset?: string;
  backend?: BackendChoice;
}

type Prop = { key: keyof UrlSettings; parse: (raw: string) => UrlSettings[keyof UrlSettings] | undefined };

const BACKENDS: BackendChoice[] = ['auto', 'webgpu', 'wasm', 'cpu'];

/** Every shareable setting: its hash key and how a raw string becomes a valid value (or is ignored). */
export const URL_PROPS: Prop[] = [
  { key: 'model', parse: (raw) => (/^[\w.-]{1,80}$/.test(raw) ? raw : undefined) },
  { key: 'dataset', parse: (raw) => (/^[\w.-]{1,80}$/.test(raw) ? raw : undefined) },
  { key: 'backend', parse: (raw) => (BACKENDS.includes(raw as BackendChoice) ? (raw as BackendChoice) : undefined) },
];

export function readUrlSettings(hash: string): UrlSettings {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: UrlSettings = {};
  for (const prop of URL_PROPS) {
    const raw = params.get(prop.key);
    const value = raw === null ? undefined : prop.parse(raw);
    if (value !== undefined) (out as Record<string, unknown>)[prop.key] = value;
  }
  return out;
}

export function writeUrlSettings(settings: UrlSettings): string {
  const params = new URLSearchParams();
  for (const prop of URL_PROPS) {
    const value = settings[prop.key];
    if (value !== undefined && value !== '') params.set(prop.key, String(value));
  }
  return `#${params.toString()}`;
}
