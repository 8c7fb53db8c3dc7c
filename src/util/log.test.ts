import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../proxy/request-record.ts';
import { createAccessLogger, createLogger, formatPretty } from './log.ts';

function collector() {
  const lines: string[] = [];
  return { lines, destination: { write: (chunk: string) => void lines.push(chunk) } };
}

function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    startTime: Date.UTC(2025, 0, 2, 3, 4, 5),
    durationMs: 1.25,
    clientAddress: '127.0.0.1',
    method: 'GET',
    host: 'app.example',
    path: '/a "quoted" path',
    protocol: 'http/1.1',
    tls: false,
    status: 200,
    bytesIn: 0,
    bytesOut: 42,
    requestId: 'req-1',
    namespace: 'demo',
    ingress: 'web',
    service: 'app',
    backend: 'demo/app:80',
    upstreamAddress: '127.0.0.9:8080',
    upstreamStatus: 200,
    upstreamConnectMs: 0.3,
    retries: 0,
    error: '',
    ...overrides,
  };
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
      JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { type: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at f (x.ts:1:2)' } }),
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

describe('createAccessLogger', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-access-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON line per request with every field of the record', async () => {
    const file = join(dir, 'access.log');
    const access = createAccessLogger({ destination: file });
    access.log(record());
    access.log(record({ status: 503, error: 'no-endpoint', upstreamAddress: '', upstreamStatus: 0 }));
    await access.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({ log: 'access', ...record() });
    expect(first.time).toBeGreaterThanOrEqual(record().startTime);
    expect(JSON.parse(lines[1])).toMatchObject({ status: 503, error: 'no-endpoint', upstreamStatus: 0 });
  });

  it('buffers: nothing is written during the request, the lines appear on flush', async () => {
    const file = join(dir, 'buffered.log');
    const access = createAccessLogger({ destination: file, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) access.log(record({ requestId: `r${i}` }));
    // The file may not even be open yet: sonic-boom opens it asynchronously too.
    expect(await readFile(file, 'utf8').catch(() => '')).toBe('');
    await access.flush();
    expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toHaveLength(10);
    await access.close();
  });

  it('a line under the buffer size still appears within the flush interval', async () => {
    const file = join(dir, 'light.log');
    const access = createAccessLogger({ destination: file, flushIntervalMs: 20 });
    access.log(record());
    await vi.waitFor(async () => expect(await readFile(file, 'utf8')).toContain('"requestId":"req-1"'), { timeout: 2000 });
    await access.close();
  });

  it('snapshots the record at log time, so the edge may reuse it', async () => {
    const file = join(dir, 'reuse.log');
    const access = createAccessLogger({ destination: file });
    const reused = record({ requestId: 'first' });
    access.log(reused);
    reused.requestId = 'second';
    access.log(reused);
    await access.close();
    const ids = (await readFile(file, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line).requestId);
    expect(ids).toEqual(['first', 'second']);
  });

  it('ignores lines after close', async () => {
    const file = join(dir, 'closed.log');
    const access = createAccessLogger({ destination: file });
    await access.close();
    access.log(record());
    await access.close();
    expect(await readFile(file, 'utf8')).toBe('');
  });
});
