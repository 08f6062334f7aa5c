/**
 * The training benchmark page (scripts/browser.ts train): a second, tiny Vite app whose worker
 * loads TF.js with the studio's own WASM setup and gradient kernels, so Chromium can time training
 * steps at a chosen thread count (setThreadsCount must run before the backend starts, so each
 * thread count is one page load: ?threads=N). Served from the repo's public/ (the bundled models).
 *
 *   npx vite build --config scripts/train-bench/vite.config.ts --outDir /tmp/dist-train-bench
 *   npx vite preview --config scripts/train-bench/vite.config.ts --outDir /tmp/dist-train-bench --port 4303
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Cross-origin isolation, or the page gets no SharedArrayBuffer and tfjs-wasm runs one thread.
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: fileURLToPath(new URL('../../public', import.meta.url)),
  server: { headers },
  preview: { headers, strictPort: true },
  // As the studio: the threaded WASM build breaks when worker bundles are minified.
  worker: { format: 'es', rolldownOptions: { output: { minify: false } } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, emptyOutDir: true },
});
