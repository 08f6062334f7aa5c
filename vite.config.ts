/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The threaded WASM backend needs SharedArrayBuffer, which browsers only give to
// cross-origin-isolated pages; both the dev and the preview server send these headers.
const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers },
  preview: { headers, port: 4173, strictPort: true },
  // The threaded WASM build breaks when worker bundles are minified.
  worker: { format: 'es', rolldownOptions: { output: { minify: false } } },
  // Pre-bundle tfjs, or the dev server discovers it late and reloads the page mid-test.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'comlink'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
