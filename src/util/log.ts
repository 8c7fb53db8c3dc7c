// The controller's logger (pino). The access log lives in telemetry/access-log.ts.
import pino from 'pino';
import type { Logger } from './logger.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'json' | 'pretty';

/** Anything with a `write(line)`, e.g. process.stdout; `isTTY` turns on colours in the pretty format. */
export interface LineSink {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; default: stdout. */
  readonly destination?: LineSink;
}

/** json: pino's own JSON lines. pretty: one short human-readable line per entry (no pino-pretty needed). */
export function createLogger(options: LoggerOptions): Logger {
  const pinoOptions = { level: options.level };
  if (options.format === 'pretty') {
    const sink = options.destination ?? process.stdout;
    return pino(pinoOptions, prettyStream(sink, sink.isTTY === true && !('NO_COLOR' in process.env)));
  }
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
}

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_COLOURS: Readonly<Record<number, string>> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields the line shows in its own place, or not at all. */
const OMITTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err', 'component']);

function prettyStream(sink: LineSink, colours: boolean): { write(line: string): void } {
  return {
    write(line: string) {
      sink.write(formatPretty(line, colours));
    },
  };
}

/** One pino JSON line → "15:04:05.123 INFO  [component] message key=value …\n", an error's stack indented below. */
export function formatPretty(jsonLine: string, colours = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith('\n') ? jsonLine : `${jsonLine}\n`;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const levelName = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const parts = [time, colours ? `\u001B[${LEVEL_COLOURS[level] ?? '0'}m${levelName}\u001B[0m` : levelName];
  if (typeof entry.component === 'string') parts.push(`[${entry.component}]`);
  if (typeof entry.msg === 'string' && entry.msg !== '') parts.push(entry.msg);
  for (const [key, value] of Object.entries(entry)) {
    if (!OMITTED.has(key)) parts.push(`${key}=${prettyValue(value)}`);
  }
  let text = parts.join(' ');
  const err = entry.err as { type?: unknown; message?: unknown; stack?: unknown } | undefined;
  if (err !== undefined && err !== null && typeof err === 'object') {
    text += ` err=${prettyValue(`${String(err.type ?? 'Error')}: ${String(err.message ?? '')}`)}`;
    if (typeof err.stack === 'string') {
      const stackLines = err.stack.split('\n').slice(1);
      if (stackLines.length > 0) text += `\n${stackLines.map((stackLine) => `    ${stackLine.trim()}`).join('\n')}`;
    }
  }
  return `${text}\n`;
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

// ---- access log ----
