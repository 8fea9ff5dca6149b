// Finds the Chromium the end-to-end tests drive: $FEDSEG_CHROMIUM, else Debian's
// /usr/bin/chromium. Playwright's own browser download never works here, so when none
// is found and we are root on Debian, install Debian's `chromium` package; otherwise
// stop and say how to point the tests at a Chromium.
import { ensureTool } from './debianTool.mjs';

const CHROMIUM = {
  name: 'Chromium',
  envVar: 'FEDSEG_CHROMIUM',
  candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'],
  debianPackage: 'chromium',
};

export function ensureChromium() {
  const found = ensureTool(CHROMIUM);
  if (found) return found;
  console.error(
    'fedseg: the end-to-end tests need Chromium and none was found.\n' +
      '  Install one (Debian/Ubuntu: sudo apt-get install chromium) or point the tests at it:\n' +
      '  FEDSEG_CHROMIUM=/path/to/chromium npm test',
  );
  process.exit(3);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureChromium());
