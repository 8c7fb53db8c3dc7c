// The process: workers, logs, shutdown.
import type { LogFormat, LogLevel } from '../util/log.ts';
import { flag } from './flag.ts';
import type { FlagSpec } from './types.ts';
import { oneOf, parseBoolean, parseDuration, parseWorkers } from './value-parsers.ts';

export const PROCESS_FLAGS: readonly FlagSpec[] = [
  flag({
    name: 'workers',
    key: 'workers',
    placeholder: 'N|auto',
    defaultValue: 1,
    defaultText: '1',
    help: 'edge worker processes or threads sharing the ports (auto: one per CPU)',
    parse: parseWorkers,
  }),
  flag({
    name: 'log-level',
    key: 'logLevel',
    placeholder: 'LEVEL',
    defaultValue: 'info',
    defaultText: 'info',
    help: 'fatal, error, warn, info, debug, trace or silent',
    parse: oneOf<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
  flag({
    name: 'log-format',
    key: 'logFormat',
    placeholder: 'json|pretty',
    defaultValue: 'json',
    defaultText: 'json',
    help: 'controller log format: JSON lines or one human-readable line per entry',
    parse: oneOf<LogFormat>(['json', 'pretty']),
  }),
  flag({
    name: 'shutdown-grace',
    key: 'shutdownGraceMs',
    placeholder: 'DURATION',
    defaultValue: 30_000,
    defaultText: '30s',
    help: 'on SIGTERM, how long in-flight requests and WebSockets may take to finish',
    parse: parseDuration,
  }),
  flag({
    name: 'shutdown-delay',
    key: 'shutdownDelayMs',
    placeholder: 'DURATION',
    defaultValue: 0,
    defaultText: '0s',
    help: 'on SIGTERM, how long to keep serving (with /readyz at 503) before listeners close, so load balancers notice first',
    parse: parseDuration,
  }),
  flag({
    name: 'access-log',
    key: 'accessLog',
    placeholder: 'on|off',
    defaultValue: true,
    defaultText: 'on',
    help: 'one JSON line per request on stdout',
    parse: parseBoolean,
  }),
] as FlagSpec[];
