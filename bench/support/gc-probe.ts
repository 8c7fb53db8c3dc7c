// Preloaded into the controller by the change-latency bench (`node --import`), never shipped. On SIGUSR2 it
// runs a full GC and prints one line, `gc-probe#<n> {"rssMiB":…,"heapUsedMiB":…}`, to stderr. With
// GC_PROBE_PROFILE=<file>, the first SIGUSR2 also starts a CPU profile and the second writes it there, so
// the profile covers the changes only, not start-up.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const profileFile = process.env.GC_PROBE_PROFILE ?? '';
/** With GC_PROBE_HEAP=<file>, the first report also writes a heap snapshot there. */
const heapFile = process.env.GC_PROBE_HEAP ?? '';
/** With GC_PROBE_DETAIL=<file>, each report also appends V8's space sizes and /proc/self/smaps_rollup there. */
const detailFile = process.env.GC_PROBE_DETAIL ?? '';
let session: Session | null = null;
let reports = 0;

function report(): void {
  gc();
  gc();
  const usage = process.memoryUsage();
  const figures = { rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed), externalMiB: mib(usage.external) };
  if (detailFile !== '') {
    const spaces = getHeapSpaceStatistics()
      .map((s) => `${s.space_name}=${mib(s.space_size)}`)
      .join(' ');
    const head = `#${reports + 1} heapTotal=${mib(usage.heapTotal)} arrayBuffers=${mib(usage.arrayBuffers)} ${spaces}\n`;
    appendFileSync(detailFile, head + readFileSync('/proc/self/smaps_rollup', 'utf8'));
  }
  reports += 1;
  if (reports === 1 && heapFile !== '') writeHeapSnapshot(heapFile);
  process.stderr.write(`gc-probe#${reports} ${JSON.stringify(figures)}\n`);
}

process.on('SIGUSR2', () => {
  if (profileFile === '') return report();
  if (session === null) {
    report();
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session?.post('Profiler.start'));
    return;
  }
  session.post('Profiler.stop', (error, result) => {
    if (error === null) writeFileSync(profileFile, JSON.stringify(result.profile));
    session?.disconnect();
    report();
  });
});
