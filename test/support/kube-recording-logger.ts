import type { Logger } from '../../src/util/logger.ts';

export interface LoggedLine {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/** A Logger that keeps every line (children included) in `lines`, for tests that count log lines. */
export function recordingLogger(
  lines: LoggedLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & {
  lines: LoggedLine[];
} {
  const at =
    (level: LoggedLine['level']) =>
    (obj: object | string, msg?: string): void => {
      if (typeof obj === 'string') lines.push({ level, msg: obj, fields: { ...bindings } });
      else lines.push({ level, msg: msg ?? '', fields: { ...bindings, ...obj } });
    };
  return {
    lines,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}
