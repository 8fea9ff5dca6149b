// Finds the Chromium the end-to-end tests drive: $FEDSEG_CHROMIUM, else Debian's
// /usr/bin/chromium. Playwright's own browser download never works here, so when none
// is found and we are root on Debian, install Debian's `chromium` package; otherwise
// stop and say how to point the tests at a Chromium.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium() {
  const fromEnv = process.env.FEDSEG_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`FEDSEG_CHROMIUM=${fromEnv}: no such file`);
    return fromEnv;
  }
  return CANDIDATES.find((p) => existsSync(p));
}

function isDebian() {
  try {
    return /debian|ubuntu/i.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && isDebian()) {
    console.log('fedseg: no Chromium found; installing Debian\'s chromium package (apt-get)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    const after = findChromium();
    if (after) return after;
  }
  console.error(
    'fedseg: the end-to-end tests need Chromium and none was found.\n' +
      '  Install one (Debian/Ubuntu: sudo apt-get install chromium) or point the tests at it:\n' +
      '  FEDSEG_CHROMIUM=/path/to/chromium npm test',
  );
  process.exit(3);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureChromium());
