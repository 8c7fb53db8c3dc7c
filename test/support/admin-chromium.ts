// Debian's chromium for the status page's browser tests (never downloaded by playwright).
import { execFileSync } from 'node:child_process';

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
