// `npm test`: unit and integration tests (Vitest), then the end-to-end tests
// (Playwright driving the system Chromium against the built page).
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './chromium.mjs';
import { ensureDciodvfy } from './dciodvfy.mjs';

function step(title, cmd, args, env = {}) {
  console.log(`\n== ${title}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

// `npm run test:e2e [-- playwright args]`: only the build and the end-to-end tests.
const [mode, ...playwrightArgs] = process.argv.slice(2);
const e2eOnly = mode === '--e2e';
if (mode !== undefined && !e2eOnly) {
  console.error(`scripts/test.mjs: unknown option ${mode} (expected none, or --e2e [playwright args])`);
  process.exit(2);
}

const chromium = ensureChromium();
const dciodvfy = e2eOnly ? undefined : ensureDciodvfy();
if (!e2eOnly) {
  step('type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  step('type check (platform-free core)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.core.json']);
  step('unit and integration tests', 'npx', ['vitest', 'run'], dciodvfy ? { FEDSEG_DCIODVFY: dciodvfy } : {});
}
step('build the page', 'npx', ['vite', 'build', '--logLevel', 'warn']);
step('end-to-end tests', 'npx', ['playwright', 'test', ...(e2eOnly ? playwrightArgs : [])], { FEDSEG_CHROMIUM: chromium });
