import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in a real Chromium: Debian's /usr/bin/chromium by default (Playwright cannot
 * download its own browser here); set CHROMIUM_PATH to use another (e.g. Playwright's own).
 * --enable-unsafe-webgpu exposes WebGPU in headless Chromium (a SwiftShader CPU emulation on
 * machines without a GPU), so WebGPU can be tested for correctness on tiny inputs.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://localhost:4173',
    viewport: { width: 1280, height: 720 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  // With E2E_BASE_URL the tests run against a server you started (e.g. `vite preview --port 4180`).
  webServer: process.env.E2E_BASE_URL ? undefined : {
    command: 'npm run build && npm run preview',
    url: 'http://localhost:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
