/**
 * Argument parsing for the CLI: `--name value` pairs and positionals, checked against a table of
 * known flags so that a typo is an error, not a silently ignored option.
 */
export interface FlagSpec {
  /** 'number' | 'string' | 'boolean' (a switch without value). */
  type: 'number' | 'string' | 'boolean';
  help: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], specs: Record<string, FlagSpec>): { positionals: string[]; flags: Record<string, string | number | boolean> } {
  const positionals: string[] = [];
  const flags: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option --${name} (known: ${Object.keys(specs).map((k) => `--${k}`).join(', ')})`);
    if (spec.type === 'boolean') {
      flags[name] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) throw new UsageError(`--${name} needs a value (${spec.help})`);
    if (spec.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${raw}" (${spec.help})`);
      flags[name] = n;
    } else {
      flags[name] = raw;
    }
  }
  return { positionals, flags };
}
