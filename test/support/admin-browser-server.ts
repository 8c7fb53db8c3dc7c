// The admin server as the status page's browser tests drive it: fast event, rate and history ticks (so the
// page goes live within a test), a silent log, one synced source and leadership, unless a test says otherwise.
import { type AdminServerOptions, createAdminServer } from '../../src/admin/server.ts';
import { silentLogger } from '../../src/util/logger.ts';

export type BrowserAdminOptions = Pick<AdminServerOptions, 'getState' | 'metrics'> & Partial<AdminServerOptions>;

export function browserAdminServer(options: BrowserAdminOptions): ReturnType<typeof createAdminServer> {
  return createAdminServer({
    readiness: () => ({ ready: true, reasons: [] }),
    sources: () => [{ name: 'kubernetes', synced: true }],
    leader: () => true,
    log: silentLogger,
    eventsPollMs: 50,
    eventsTickMs: 250,
    historySampleMs: 200,
    ...options,
  });
}
