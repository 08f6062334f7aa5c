import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';

const specs = {
  prune: { type: 'number' as const, help: 'ratio' },
  limit: { type: 'number' as const, help: 'samples', integer: true, min: 1 },
  out: { type: 'string' as const, help: 'dir' },
  zip: { type: 'boolean' as const, help: 'zip' },
};

describe('parseArgs', () => {
  it('reads flags with separate or inline values, switches and positionals', () => {
    expect(parseArgs(['m.json', '--prune', '0.5', '--out=dir', '--zip'], specs)).toEqual({ positionals: ['m.json'], flags: { prune: 0.5, out: 'dir', zip: true } });
  });
  it('rejects unknown flags, missing and non-numeric values', () => {
    expect(() => parseArgs(['--prnue', '1'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['--prnue', '1'], specs)).toThrow(/unknown option --prnue/);
    expect(() => parseArgs(['--prune'], specs)).toThrow(/--prune needs a value/);
    expect(() => parseArgs(['--prune', 'lots'], specs)).toThrow(/must be a number, got "lots"/);
    expect(() => parseArgs(['--out', '--zip'], specs)).toThrow(/--out needs a value/);
  });
  it('refuses what used to be silently ignored: a short flag, an empty value, a second path, a repeated flag', () => {
    expect(() => parseArgs(['m.json', '-p', '0.5'], specs)).toThrow(/unknown option -p \(known: --prune, --limit, --out, --zip\)/);
    expect(() => parseArgs(['--prune='], specs)).toThrow(/--prune needs a value, got an empty one/);
    expect(() => parseArgs(['a.json', 'b.json'], specs, 1)).toThrow(/expected 1 path, got 2: "a\.json", "b\.json"/);
    expect(() => parseArgs(['--prune', '0.1', '--prune', '0.2'], specs)).toThrow(/--prune is given more than once/);
    expect(() => parseArgs(['--zip=yes'], specs)).toThrow(/--zip is a switch and takes no value/);
  });
  it('checks whole numbers and ranges, negative values included', () => {
    expect(() => parseArgs(['--limit', '0'], specs)).toThrow(/--limit must be at least 1, got 0/);
    expect(() => parseArgs(['--limit', '-5'], specs)).toThrow(/--limit must be at least 1, got -5/);
    expect(() => parseArgs(['--limit=-5'], specs)).toThrow(/--limit must be at least 1, got -5/);
    expect(() => parseArgs(['--limit', '2.5'], specs)).toThrow(/--limit must be a whole number, got 2\.5/);
    expect(parseArgs(['--limit', '500'], specs).flags.limit).toBe(500);
  });
});
