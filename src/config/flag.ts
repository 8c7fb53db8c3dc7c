// One flag of the table, frozen; a flag parsed by parseBoolean is a switch.
import type { Config, FlagSpec, Parsed } from './types.ts';
import { parseBoolean } from './value-parsers.ts';

export function flag<K extends keyof Config>(spec: {
  name: string;
  key: K;
  placeholder?: string;
  defaultValue: Config[K];
  defaultText: string;
  help: string;
  parse: (raw: string) => Parsed<Config[K]>;
  list?: boolean;
}): FlagSpec<K> {
  // Switches take no value ("--x"), or one of the boolean words ("--x=false", "--access-log off").
  const boolean = (spec.parse as unknown) === parseBoolean;
  return Object.freeze({
    name: spec.name,
    key: spec.key,
    placeholder: spec.placeholder ?? '',
    boolean,
    list: spec.list ?? false,
    defaultValue: spec.defaultValue,
    defaultText: spec.defaultText,
    help: spec.help,
    parse: spec.parse,
  });
}
