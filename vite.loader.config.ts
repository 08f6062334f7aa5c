/**
 * Builds the package entry `compression-studio/loader` (src/loader/index.ts) as a small ES module
 * library: dist-loader/loader.js (minified, with fflate's inflate and the compact decoder bundled,
 * @tensorflow/tfjs left as an external import for the app's own copy, a peer) and
 * dist-loader/loader.d.ts. Run with `npm run build:loader`; its size is checked by
 * scripts/loader-size.ts.
 *
 * The .d.ts comes from TypeScript itself (`tsc --emitDeclarationOnly`, tsconfig.loader.json), not
 * from a hand-written copy that could drift from the code. tsc emits a declaration per reachable
 * module; the entry's own declaration must stand alone (it may import only @tensorflow/tfjs), so
 * it is the one file shipped, and the build fails if it ever reaches into a relative module.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** Emits loader.d.ts: the entry's declaration from tsc, refused when it imports anything but TF.js. */
function entryDeclaration(): Plugin {
  return {
    name: 'loader-declaration',
    apply: 'build',
    generateBundle() {
      const out = mkdtempSync(join(tmpdir(), 'loader-types-'));
      try {
        const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
        execFileSync(process.execPath, [tsc, '-p', 'tsconfig.loader.json', '--outDir', out], { stdio: 'inherit' });
        const source = readFileSync(join(out, 'loader', 'index.d.ts'), 'utf8');
        // Look at code only: the JSDoc examples mention 'compression-studio/loader' on purpose.
        const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
        const foreign = [...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/g)]
          .map((m) => m[1] ?? m[2])
          .filter((spec) => !spec.startsWith('@tensorflow/tfjs'));
        if (foreign.length) this.error(`loader.d.ts must import only @tensorflow/tfjs, but imports ${foreign.join(', ')}: spell the type out in src/loader/index.ts`);
        this.emitFile({ type: 'asset', fileName: 'loader.d.ts', source });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  };
}

export default defineConfig({
  publicDir: false,
  plugins: [entryDeclaration()],
  build: {
    outDir: 'dist-loader',
    emptyOutDir: true,
    target: 'es2022',
    // Vite keeps whitespace in an ES library (for pure annotations); this file is loaded as it is, so minify it fully.
    minify: true,
    reportCompressedSize: false,
    lib: { entry: 'src/loader/index.ts', formats: ['es'], fileName: () => 'loader.js' },
    rolldownOptions: { external: [/^@tensorflow\/tfjs(\/|$)/], output: { minify: true } },
  },
});
