// Flags and SLUICE_* environment variables → one frozen Config. Pure: main passes argv and env in.
// The pieces live in src/config/: the types, the value parsers, the flag table by group, parsing, help.
export { parseConfig } from './config/parse.ts';
export type { Config } from './config/types.ts';
