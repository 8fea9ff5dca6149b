// Finds dciodvfy (David Clunie's DICOM validator, Debian package dicom3tools), which the
// tests run on every kind of DICOM SEG fedseg writes: $FEDSEG_DCIODVFY, else
// /usr/bin/dciodvfy, installed from Debian when missing and we are root. Without it the
// validation tests are skipped, and npm test says so.
import { ensureTool } from './debianTool.mjs';

const DCIODVFY = {
  name: 'dciodvfy (DICOM validator)',
  envVar: 'FEDSEG_DCIODVFY',
  candidates: ['/usr/bin/dciodvfy', '/usr/local/bin/dciodvfy'],
  debianPackage: 'dicom3tools',
};

export function ensureDciodvfy() {
  const found = ensureTool(DCIODVFY);
  if (!found) {
    console.warn(
      'fedseg: dciodvfy not found; the DICOM SEG validation tests will be skipped.\n' +
        '  Install it (Debian/Ubuntu: sudo apt-get install dicom3tools) or set FEDSEG_DCIODVFY=/path/to/dciodvfy',
    );
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureDciodvfy() ?? 'not found');
