/**
 * Argument parsing for the CLI on Node's own `util.parseArgs` (strict): every flag is checked
 * against a table, so a typo, an unknown short flag, a missing or empty value, a value that is not
 * a number where one is needed, or an extra positional is an error — never an option silently ignored.
 */
import { parseArgs as nodeParseArgs } from 'node:util';

/** One known flag: its kind of value and a help text used in error messages. */
export interface FlagSpec {
  /** 'number' | 'string' | 'boolean' (a switch without value). */
  type: 'number' | 'string' | 'boolean';
  help: string;
  /** For numbers: the value must be a whole number. */
  integer?: boolean;
  /** For numbers: the smallest value allowed (inclusive), or exclusive with `above`. */
  min?: number;
  above?: number;
}

/** A mistake in the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Node's parseArgs errors, reworded with the known flags. */
function reword(e: Error & { code?: string }, specs: Record<string, FlagSpec>): string {
  const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
  const option = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option} (known: ${known})`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(e.message)?.[1] ?? option;
    const spec = specs[name];
    return spec?.type === 'boolean' ? `--${name} is a switch and takes no value` : `--${name} needs a value (${spec?.help ?? ''})`;
  }
  return e.message;
}

/**
 * Parses `argv` against `specs`: returns the positionals (at most `maxPositionals`) and the flags,
 * numbers converted and range-checked. Throws a UsageError naming the flag and what it needs.
 */
export function parseArgs(argv: string[], specs: Record<string, FlagSpec>, maxPositionals = Infinity): { positionals: string[]; flags: Record<string, string | number | boolean> } {
  const options = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type === 'boolean' ? 'boolean' as const : 'string' as const }]));
  // "--limit -5": a negative number is the flag's value (util.parseArgs calls it ambiguous), so the range check can name it.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (/^--[\w-]+$/.test(argv[i]) && specs[argv[i].slice(2)]?.type === 'number' && next !== undefined && /^-[\d.]/.test(next)) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  let parsed: ReturnType<typeof nodeParseArgs> & { tokens: { kind: string; name?: string }[] };
  try {
    parsed = nodeParseArgs({ args, options, strict: true, allowPositionals: true, tokens: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError(reword(e as Error & { code?: string }, specs));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || !t.name) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once; give it once`);
    seen.add(t.name);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`expected ${maxPositionals} path${maxPositionals === 1 ? '' : 's'}, got ${parsed.positionals.length}: ${parsed.positionals.map((p) => `"${p}"`).join(', ')} (one model at a time; put every option after --)`);
  }
  const flags: Record<string, string | number | boolean> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const spec = specs[name];
    if (spec.type === 'boolean') {
      flags[name] = raw === true;
      continue;
    }
    const text = String(raw);
    if (text.trim() === '') throw new UsageError(`--${name} needs a value, got an empty one (${spec.help})`);
    if (spec.type === 'string') {
      flags[name] = text;
      continue;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${text}" (${spec.help})`);
    if (spec.integer && !Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got ${text} (${spec.help})`);
    if (spec.min !== undefined && n < spec.min) throw new UsageError(`--${name} must be at least ${spec.min}, got ${text} (${spec.help})`);
    if (spec.above !== undefined && n <= spec.above) throw new UsageError(`--${name} must be more than ${spec.above}, got ${text} (${spec.help})`);
    flags[name] = n;
  }
  return { positionals: parsed.positionals, flags };
}
