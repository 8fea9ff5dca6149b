#!/usr/bin/env node
/**
 * Builds the GPU kit into .gpu-kit/ (ignored through .git/info/exclude; it travels to
 * the device machine by naming it in `carry`):
 *
 *   gpuKit.mjs          scripts/gpu-bench/gpuKit.ts and everything it imports, one ES module
 *   dawn.node.xz        the `webgpu` package's Dawn for linux-x64, xz-compressed
 *   node.xz             this machine's Node binary, xz-compressed (the device has no Node)
 *   manifest.json       versions, commit, sizes
 *
 * run.sh unpacks dawn.node next to the bundle as dist/linux-x64/dawn.node (where the
 * webgpu package looks for it, relative to the bundle) and node into /tmp.
 *
 *   node scripts/gpu-bench/build.mjs            # node.xz is kept when already built from the same binary
 *   node scripts/gpu-bench/build.mjs --force    # rebuild everything
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const kit = join(root, '.gpu-kit');
const force = process.argv.includes('--force');
const require = createRequire(join(root, 'package.json'));
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

// 1. keep the kit out of git without touching .gitignore
const exclude = resolve(root, git('rev-parse', '--git-path', 'info/exclude'));
const excluded = existsSync(exclude) ? readFileSync(exclude, 'utf8') : '';
if (!excluded.split('\n').includes('/.gpu-kit/')) {
  mkdirSync(dirname(exclude), { recursive: true });
  appendFileSync(exclude, `${excluded && !excluded.endsWith('\n') ? '\n' : ''}/.gpu-kit/\n`);
}
mkdirSync(kit, { recursive: true });

// 2. the bundle: tfjs's ES modules (mainFields module first, as Vite does) so that
// tfjs-core's own gradient module shares its instance; a real `require` for the few
// CommonJS requires of Node built-ins and for the webgpu package's dawn.node
const bundle = join(kit, 'gpuKit.mjs');
await build({
  entryPoints: [join(root, 'scripts/gpu-bench/gpuKit.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __kitCreateRequire } from 'node:module'; const require = __kitCreateRequire(import.meta.url);" },
});

// 3. Dawn for linux-x64, compressed (run.sh puts it where the webgpu package looks)
const webgpuDir = dirname(require.resolve('webgpu/package.json'));
const dawn = join(webgpuDir, 'dist/linux-x64/dawn.node');
if (!existsSync(dawn)) throw new Error(`expected Dawn for linux-x64 at ${dawn}; found nothing (is the webgpu package installed?)`);
const xz = (src, dst) => {
  rmSync(dst, { force: true });
  execFileSync('sh', ['-c', 'xz -6 -T2 -c "$1" > "$2"', 'xz', src, dst], { stdio: 'inherit' });
};
const stale = (src, dst) => force || !existsSync(dst) || statSync(dst).mtimeMs < statSync(src).mtimeMs;
if (stale(dawn, join(kit, 'dawn.node.xz'))) xz(dawn, join(kit, 'dawn.node.xz'));

// 4. Node itself (the device image has Python and PyTorch, no Node)
const nodeBin = process.execPath;
if (stale(nodeBin, join(kit, 'node.xz'))) {
  console.error(`compressing ${nodeBin} (${mib(statSync(nodeBin).size)}) with xz: a minute or two...`);
  xz(nodeBin, join(kit, 'node.xz'));
}

// 5. what was built, and the sizes that travel
const pkgVersion = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
const files = ['gpuKit.mjs', 'dawn.node.xz', 'node.xz'];
const sizes = Object.fromEntries(files.map((f) => [f, statSync(join(kit, f)).size]));
let commit = 'unknown';
try {
  commit = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--', 'src', 'bench', 'scripts') ? ' (+ uncommitted changes)' : '');
} catch {}
const manifest = {
  builtAt: new Date().toISOString(),
  commit,
  node: process.version,
  nodeSha256: execFileSync('sha256sum', [nodeBin], { encoding: 'utf8' }).split(' ')[0],
  webgpu: pkgVersion('webgpu'),
  tfjs: pkgVersion('@tensorflow/tfjs-core'),
  esbuild: esbuildVersion,
  sizes,
};
writeFileSync(join(kit, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

const tracked = git('ls-files', '-z').split('\0').filter(Boolean).reduce((n, f) => n + (existsSync(join(root, f)) ? statSync(join(root, f)).size : 0), 0);
const kitTotal = Object.values(sizes).reduce((a, b) => a + b, 0);
const glDir = join(root, '.gl');
const gl = existsSync(glDir) ? Number(execFileSync('du', ['-sb', glDir], { encoding: 'utf8' }).split('\t')[0]) : 0;
for (const f of files) console.log(`.gpu-kit/${f}: ${mib(sizes[f])}`);
console.log(`.gl (Vulkan loader debs): ${gl ? mib(gl) : 'missing: run scripts/gpu-bench/fetch-vulkan-loader.sh'}`);
console.log(`tracked files: ${mib(tracked)}; total that travels (tracked + .gpu-kit + .gl, plus any untracked unignored files): ${mib(tracked + kitTotal + gl)} of 64 MiB`);
if (tracked + kitTotal + gl > 60 * 2 ** 20) console.log('WARNING: close to or over the 64 MiB limit of what travels');
