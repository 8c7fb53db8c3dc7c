// Debian's chromium for the status page's browser tests (never downloaded by playwright).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

function whichChromium(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Debian's chromium; installed with apt when missing (never downloaded by playwright). */
export function chromiumPath(): string {
  let path = whichChromium();
  if (path === '') {
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', 'chromium'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    path = whichChromium();
  }
  if (path === '') throw new Error('chromium is not installed and apt-get could not install it');
  return path;
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/** A headless chromium with a profile directory of its own. On a fresh machine apt installs it first (minutes). */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Chromium> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport,
    });
    return {
      context,
      async close() {
        await context.close();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}
