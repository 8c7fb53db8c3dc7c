import { describe, expect, it } from 'vitest';
import { createLogger, formatPretty } from './log.ts';

function collector() {
  const lines: string[] = [];
  return { lines, destination: { write: (chunk: string) => void lines.push(chunk) } };
}

describe('createLogger', () => {
  it('json writes pino JSON lines and honours the level', () => {
    const { lines, destination } = collector();
    const log = createLogger({ level: 'info', format: 'json', destination });
    log.debug('hidden');
    log.child({ component: 'kube' }).info({ kind: 'Ingress' }, 'synced');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 30, component: 'kube', kind: 'Ingress', msg: 'synced' });
    expect(typeof entry.time).toBe('number');
  });

  it('pretty writes one human line per entry with the component, message and fields', () => {
    const { lines, destination } = collector();
    const log = createLogger({ level: 'debug', format: 'pretty', destination });
    log.child({ component: 'source' }).warn({ file: 'a b.yaml', line: 3 }, 'parse failed');
    log.debug('plain');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  \[source\] parse failed file="a b.yaml" line=3\n$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} DEBUG plain\n$/);
    expect(lines.join('')).not.toContain('hostname');
  });

  it('pretty shows an error message inline and its stack indented below', () => {
    const text = formatPretty(
      JSON.stringify({
        level: 50,
        time: 0,
        msg: 'failed',
        err: { type: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at f (x.ts:1:2)' },
      }),
    );
    expect(text).toBe('00:00:00.000 ERROR failed err="TypeError: bad"\n    at f (x.ts:1:2)\n');
  });

  it('pretty colours the level only for a terminal', () => {
    expect(formatPretty('{"level":40,"time":0,"msg":"m"}', true)).toContain('\u001B[33mWARN ');
    expect(formatPretty('{"level":40,"time":0,"msg":"m"}', false)).not.toContain('\u001B');
  });

  it('pretty passes a line that is not JSON through unchanged', () => {
    expect(formatPretty('not json')).toBe('not json\n');
  });
});
