import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, LOADER_BUDGET_BYTES, loaderFaults, measureLoader } from './loader-size';

describe('importSpecifiers', () => {
  it('finds minified static, side-effect, re-export and dynamic imports', () => {
    const code = 'import*as e from"@tensorflow/tfjs";import{a as b,c}from\'fflate\';import"./side.js";export{x}from"./y.js";const m=import("z");';
    expect(importSpecifiers(code)).toEqual(['@tensorflow/tfjs', 'fflate', './side.js', './y.js', 'z']);
  });

  it('ignores strings and names that only look like imports', () => {
    expect(importSpecifiers('const importance="from x";let exported=1;export{exported};')).toEqual([]);
  });
});

describe('measureLoader and loaderFaults', () => {
  it('counts UTF-8 bytes and gzip -9 bytes, and lists each import once', () => {
    const code = `import*as t from"@tensorflow/tfjs";import*as u from"@tensorflow/tfjs";const s="é${'a'.repeat(1000)}";`;
    const size = measureLoader(code);
    expect(size.bytes).toBe(code.length + 1); // é is two bytes in UTF-8
    expect(size.gzipBytes).toBe(gzipSync(Buffer.from(code), { level: 9 }).length);
    expect(size.gzipBytes).toBeLessThan(size.bytes);
    expect(size.imports).toEqual(['@tensorflow/tfjs']);
  });

  it('passes at the budget and fails one byte over it or with a bundled-out dependency', () => {
    const at = { bytes: 20_000, gzipBytes: LOADER_BUDGET_BYTES, imports: ['@tensorflow/tfjs'] };
    expect(LOADER_BUDGET_BYTES).toBe(8192);
    expect(loaderFaults(at)).toEqual([]);
    expect(loaderFaults({ ...at, gzipBytes: LOADER_BUDGET_BYTES + 1 })).toEqual(['8193 bytes gzipped is over the 8192-byte budget']);
    expect(loaderFaults({ ...at, imports: ['@tensorflow/tfjs', 'fflate'] })).toEqual(['imports fflate; only @tensorflow/tfjs may stay external']);
  });
});
