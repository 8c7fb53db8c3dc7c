import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accessLogLine, createAccessLogger } from './access-log.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';

describe('access log', () => {
  it('writes one JSON line per request with every field', () => {
    const first = requestRecord({ retries: 2, upstreamConnectMs: 1.25 });
    const lines = [
      accessLogLine(first),
      accessLogLine(requestRecord({ requestId: 'req-2', status: 502, error: 'reset' })),
    ];
    expect(lines).toHaveLength(2);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].indexOf('\n')).toBe(lines[0].length - 1);
    // Three fields are renamed in the log and the backend key is left out; every other field keeps its record name.
    const { startTime, clientAddress, upstreamAddress, backend: _backend, ...sameName } = first;
    expect(JSON.parse(lines[0])).toEqual({
      level: 30,
      time: startTime,
      log: 'access',
      msg: 'request',
      client: clientAddress,
      upstream: upstreamAddress,
      ...sameName,
    });
    expect(JSON.parse(lines[1])).toMatchObject({ requestId: 'req-2', status: 502, error: 'reset' });
  });

  it('keeps hostile strings inside their JSON field', () => {
    const hostile = 'evil"}\n{"level":60,"msg":"forged\u2028\u0000\\';
    const line = accessLogLine(requestRecord({ path: hostile, host: hostile, method: 'G"ET' }));
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const parsed = JSON.parse(line);
    expect(parsed.path).toBe(hostile);
    expect(parsed.host).toBe(hostile);
    expect(parsed.method).toBe('G"ET');
    expect(parsed.level).toBe(30);
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

  it('writes one line per request to its destination', async () => {
    const file = join(dir, 'access.log');
    const access = createAccessLogger({ destination: file });
    access.log(requestRecord());
    access.log(requestRecord({ status: 503, error: 'no-endpoint', upstreamAddress: '', upstreamStatus: 0 }));
    await access.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ log: 'access', status: 200, requestId: 'req-1' });
    expect(JSON.parse(lines[1])).toMatchObject({ status: 503, error: 'no-endpoint', upstreamStatus: 0 });
  });

  it('buffers: nothing is written during the request, the lines appear on flush', async () => {
    const file = join(dir, 'buffered.log');
    const access = createAccessLogger({ destination: file, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) access.log(requestRecord({ requestId: `r${i}` }));
    expect(await readFile(file, 'utf8').catch(() => '')).toBe('');
    await access.flush();
    expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toHaveLength(10);
    await access.close();
  });

  it('a line under the buffer size still appears within the flush interval', async () => {
    const file = join(dir, 'light.log');
    const access = createAccessLogger({ destination: file, flushIntervalMs: 20 });
    access.log(requestRecord());
    await vi.waitFor(async () => expect(await readFile(file, 'utf8')).toContain('"requestId":"req-1"'), {
      timeout: 2000,
    });
    await access.close();
  });

  it('serialises at log time, so the edge may reuse the record', async () => {
    const file = join(dir, 'reuse.log');
    const access = createAccessLogger({ destination: file });
    const reused = requestRecord({ requestId: 'first' });
    access.log(reused);
    reused.requestId = 'second';
    access.log(reused);
    await access.close();
    const ids = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).requestId);
    expect(ids).toEqual(['first', 'second']);
  });

  it('ignores lines after close', async () => {
    const file = join(dir, 'closed.log');
    const access = createAccessLogger({ destination: file });
    await access.close();
    access.log(requestRecord());
    await access.close();
    expect(await readFile(file, 'utf8')).toBe('');
  });
});
