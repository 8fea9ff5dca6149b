// Finds a program the tests drive from the system: $ENV_VAR, else the first of its usual
// paths. When none is found and we are root on Debian, installs the Debian package that
// has it (apt-get, never a download from elsewhere). Returns the path, or undefined.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

function isDebian() {
  try {
    return /debian|ubuntu/i.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

/** @param {{ envVar: string, candidates: string[] }} tool */
export function findTool({ envVar, candidates }) {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar}=${fromEnv}: no such file`);
    return fromEnv;
  }
  return candidates.find((p) => existsSync(p));
}

/** @param {{ name: string, envVar: string, candidates: string[], debianPackage: string }} tool */
export function ensureTool(tool) {
  const found = findTool(tool);
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !isDebian()) return undefined;
  console.log(`fedseg: no ${tool.name} found; installing Debian's ${tool.debianPackage} package (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', tool.debianPackage], { stdio: 'inherit', env });
  } catch (e) {
    console.error(`fedseg: installing ${tool.debianPackage} failed: ${e instanceof Error ? e.message : e}`);
    return undefined;
  }
  return findTool(tool);
}
