import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';

const specs = { prune: { type: 'number' as const, help: 'ratio' }, out: { type: 'string' as const, help: 'dir' }, zip: { type: 'boolean' as const, help: 'zip' } };

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
});
