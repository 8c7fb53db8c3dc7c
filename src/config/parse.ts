// argv and the environment → one frozen Config, or every problem at once (a flag wins over its variable).
import { crossChecks } from './cross-checks.ts';
import { envVarName, FLAGS, FLAGS_BY_NAME } from './flags.ts';
import { helpText } from './help.ts';
import type { Config, FlagSpec, ParseConfigResult } from './types.ts';
import { unknownFlag } from './unknown-flag.ts';
import { BOOLEAN_WORDS } from './value-parsers.ts';

interface RawValue {
  readonly text: string;
  /** "--http-port" or "SLUICE_HTTP_PORT", for error messages. */
  readonly origin: string;
}

interface Arguments {
  readonly help: boolean;
  readonly fromFlags: ReadonlyMap<FlagSpec, RawValue[]>;
}

export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParseConfigResult {
  const errors: string[] = [];
  const args = readArguments(argv, errors);
  const config: Record<string, unknown> = {};
  const origins = new Map<keyof Config, string>();
  for (const spec of FLAGS) {
    const raws = args.fromFlags.get(spec) ?? fromEnvironment(spec, env);
    const value = raws === undefined ? undefined : readValue(spec, raws, errors);
    if (value === undefined || raws === undefined) {
      config[spec.key] = spec.defaultValue;
      continue;
    }
    config[spec.key] = value;
    origins.set(spec.key, raws[raws.length - 1].origin);
  }
  errors.push(...crossChecks(config as unknown as Config, origins));

  if (args.help) return { ok: 'help', text: helpText() };
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: Object.freeze(config as unknown as Config) };
}

/** The flags' raw values, in order of use; problems with the command line itself go to `errors`. */
function readArguments(argv: readonly string[], errors: string[]): Arguments {
  const fromFlags = new Map<FlagSpec, RawValue[]>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--help' || token === '-h') {
      help = true;
      continue;
    }
    if (token === '--') {
      for (const rest of argv.slice(i + 1)) errors.push(`unexpected argument "${rest}"`);
      break;
    }
    if (!token.startsWith('--')) {
      errors.push(token.startsWith('-') ? unknownFlag(token) : `unexpected argument "${token}"`);
      continue;
    }
    const equals = token.indexOf('=');
    const name = equals < 0 ? token.slice(2) : token.slice(2, equals);
    const spec = FLAGS_BY_NAME.get(name);
    if (spec === undefined) {
      errors.push(unknownFlag(`--${name}`));
      // "--unknown value": the value belongs to the bad flag, so do not report it a second time.
      if (equals < 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) i++;
      continue;
    }
    const next = argv[i + 1];
    let text: string;
    if (equals >= 0) {
      text = token.slice(equals + 1);
    } else if (spec.boolean) {
      const valued = next !== undefined && next.toLowerCase() in BOOLEAN_WORDS;
      text = valued ? next : 'true';
      if (valued) i++;
    } else if (next === undefined || (next.startsWith('--') && next.length > 2)) {
      errors.push(`--${name}: missing value (expected ${spec.placeholder})`);
      continue;
    } else {
      text = next;
      i++;
    }
    const values = fromFlags.get(spec) ?? [];
    values.push({ text, origin: `--${name}` });
    fromFlags.set(spec, values);
  }
  return { help, fromFlags };
}

function fromEnvironment(spec: FlagSpec, env: Readonly<Record<string, string | undefined>>): RawValue[] | undefined {
  const envName = envVarName(spec.name);
  const envText = env[envName];
  return envText !== undefined && envText !== '' ? [{ text: envText, origin: envName }] : undefined;
}

/** The flag's value from its raw uses, or undefined (problems in `errors`) when one does not parse. */
function readValue(spec: FlagSpec, raws: readonly RawValue[], errors: string[]): unknown {
  // Scalars: the last use wins (as with pflag). Lists: every use adds its items.
  const used = spec.list ? raws : raws.slice(-1);
  let value: unknown = spec.list ? [] : spec.defaultValue;
  let good = true;
  for (const raw of used) {
    const parsed = spec.parse(raw.text);
    if (!parsed.ok) {
      errors.push(`${raw.origin}: ${parsed.error}`);
      good = false;
      continue;
    }
    value = spec.list ? [...new Set([...(value as string[]), ...(parsed.value as string[])])] : parsed.value;
  }
  if (!good) return undefined;
  return Array.isArray(value) ? Object.freeze(value) : value;
}
