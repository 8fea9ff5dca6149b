/**
 * `fedseg demo`: what `npm start` runs. A coordinator with a demo federation (the tiny
 * model on synthetic sites), serving the built page, plus headless collaborators on
 * synthetic cases, so that a person who opens the printed invite URL joins a living
 * federation. State lives in --data; --fresh starts the federation anew.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePlan, type Plan } from '../../core/protocol/plan.ts';
import { FedsegError } from '../../core/util/errors.ts';
import type { Command } from '../command.ts';
import { loadKeyFile } from '../collaborator/siteKeyFile.ts';
import { roundLine } from '../roundLine.ts';

const SYNTHETIC_SITES = ['academic-3t', 'community-1.5t', 'regional-thick-slice', 'small-clinic'];
const VISITOR = 'You (the browser)';
const SYNTHETIC = 'Synthetic ';

/**
 * Long enough to stay alive while a visitor joins (about 10 s a round on a 2-core CPU:
 * hours); rounds close when every joined site reported, or at the deadline.
 */
export const LIVING_DEMO_PLAN: Plan = parsePlan(
  {
    federation: 'fedseg demo',
    description: 'The tiny 3D U-Net on synthetic brain phantoms from simulated hospitals. Open the invite URL to join as another site.',
    model: { preset: 'tiny', seed: 1 },
    rounds: 500,
    training: { localSteps: 20, batchSize: 1, optimizer: 'adam', learningRate: 3e-3 },
    stragglers: { minSites: 1, roundDeadlineSeconds: 90 },
    // the synthetic sites hold 4 phantoms, 1 for validation, and no patient: their scores are shown
    validation: { minReportCases: 1 },
  },
  'the demo plan',
);

const usage = `fedseg demo [--port 8080] [--host 127.0.0.1] [--data .fedseg-data/demo] [--collaborators 2] [--fresh]

Starts a coordinator with a demo federation (${LIVING_DEMO_PLAN.rounds} rounds of the tiny model), serving the
built page (dist/, made by \`npm run build\`), prints an invite URL for you, and starts
headless collaborators on synthetic cases so the federation is alive when you join.

Options:
  --port N            TCP port (default 8080)
  --host ADDR         address to listen on (default 127.0.0.1)
  --data DIR          the demo federation's data folder (default .fedseg-data/demo)
  --collaborators N   headless synthetic sites to start (0-${SYNTHETIC_SITES.length}, default 2), with their
                      keys in DIR/demo-sites; a resumed demo's other synthetic sites are
                      marked as stopped taking part, so its rounds do not wait for them
  --fresh             delete the data folder first and start a new federation`;

export const demoCommand: Command = {
  summary: 'run a demo federation: coordinator, page, headless synthetic sites (npm start)',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string', default: '.fedseg-data/demo' },
        collaborators: { type: 'string', default: '2' },
        fresh: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FedsegError('BAD_OPTION', `--port: expected 0-65535, found "${values.port}"`);
    const count = Number(values.collaborators);
    if (!Number.isInteger(count) || count < 0 || count > SYNTHETIC_SITES.length) {
      throw new FedsegError('BAD_OPTION', `--collaborators: expected 0-${SYNTHETIC_SITES.length}, found "${values.collaborators}"`);
    }
    const dataDir = resolve(values.data);
    if (values.fresh && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    const staticRoot = resolve('dist');
    if (!existsSync(resolve(staticRoot, 'index.html'))) {
      console.warn(`fedseg demo: ${staticRoot}/index.html not found: build the page first (npm run build); serving the API only`);
    }

    const { startCoordinator } = await import('../../coordinator/startCoordinator.ts');
    const { DEFAULT_TRAINING_BACKEND, initTrainingBackend } = await import('../tfNode.ts');
    const { runCollaborator } = await import('../collaborator/runCollaborator.ts');
    const { syntheticSite } = await import('../collaborator/siteCases.ts');
    const { getPreset } = await import('../../core/model/modelPresets.ts');

    const fresh = !existsSync(resolve(dataDir, 'federation.sqlite'));
    const running = await startCoordinator({
      ...(fresh ? { plan: LIVING_DEMO_PLAN } : {}),
      dataDir,
      port,
      host: values.host,
      staticRoot,
      log: (line) => console.log(`[coordinator] ${line}`),
    });
    const { writeSampleScans } = await import('../writeSampleScans.ts');
    const samples = resolve(dataDir, 'sample-scans');
    if (!existsSync(samples)) writeSampleScans(samples);
    // the synthetic sites keep their keys in the data folder: a resumed demo restarts them as
    // the same sites (not new ones beside the old, which the rounds would wait for in vain)
    const keyFile = (profile: string) => resolve(dataDir, 'demo-sites', `${profile}.json`);
    // one live invite for the visitor: those printed by earlier starts that nobody used are
    // revoked; so are synthetic sites whose keys are gone (they can never come back)
    const { SqliteStore } = await import('../../coordinator/storage/sqliteStore.ts');
    const { dataPaths } = await import('../../coordinator/startCoordinator.ts');
    const store = new SqliteStore(dataPaths(dataDir).db);
    try {
      const sites = await store.sites();
      // a key whose site is gone or revoked (the database made anew, the operator revoked it)
      // is dropped: that synthetic site is invited again, not left failing at each start
      for (const profile of SYNTHETIC_SITES) {
        if (!existsSync(keyFile(profile))) continue;
        const siteId = await loadKeyFile(keyFile(profile)).then((k) => k?.siteId ?? null, () => null); // (unreadable: dropped too)
        if (sites.find((x) => x.id === siteId)?.status !== 'active') rmSync(keyFile(profile), { force: true });
      }
      for (const site of sites) {
        const unusedVisitor = site.name === VISITOR && site.status === 'invited';
        const lostSynthetic = site.name.startsWith(SYNTHETIC) && site.status !== 'revoked' && !existsSync(keyFile(site.name.slice(SYNTHETIC.length)));
        if (unusedVisitor || lostSynthetic) await store.revokeSite(site.id, Date.now());
      }
    } finally {
      await store.close();
    }
    const visitor = await running.invite(VISITOR);
    const s = await running.federation.roundStatus();
    console.log(`\nfedseg demo: coordinator on ${running.url}, federation "${s.federation}", ${roundLine(s)}`);
    console.log(`\n  Open this invite URL in Chromium or Chrome to join as a site:\n\n    ${visitor.url}\n`);
    console.log(`  No scans at hand? Choose this folder of synthetic BraTS-like cases in the page:\n    ${samples}\n`);
    console.log(`  More invites: fedseg invite --site "Hospital B" --data ${values.data} --url ${running.url}`);
    console.log(`  Status:       fedseg status --url ${running.url} --data ${values.data}`);
    // the demo's operator is the person at this terminal: the token rides in the fragment, which no server or log sees
    console.log(`  Operator dashboard (holds this demo's operator token): ${running.url}/#/operator/${running.operatorToken}\n`);

    const stop = new AbortController();
    const runs: Promise<void>[] = [];
    const profiles = SYNTHETIC_SITES.filter((_, i) => i < count);
    // synthetic sites of an earlier start that this one does not start: not waited for (their next start says they take part again)
    const idle = SYNTHETIC_SITES.filter((profile, i) => i >= count && existsSync(keyFile(profile)));
    for (const profile of idle) {
      const siteId = await loadKeyFile(keyFile(profile)).then((k) => k?.siteId ?? null, () => null);
      if (siteId) await running.federation.setParticipation(siteId, false);
    }
    if (profiles.length > 0) {
      await initTrainingBackend(DEFAULT_TRAINING_BACKEND);
      mkdirSync(resolve(dataDir, 'demo-sites'), { recursive: true });
      for (const profile of profiles) {
        const i = SYNTHETIC_SITES.indexOf(profile);
        const known = existsSync(keyFile(profile));
        const invite = known ? null : await running.invite(`${SYNTHETIC}${profile}`);
        runs.push(runCollaborator({
          url: running.url,
          ...(invite ? { invite: invite.token } : {}),
          keyFile: keyFile(profile),
          data: (plan) => syntheticSite({ profile, seed: 10 + i, cases: 4, size: 32 }, getPreset(plan.model.preset).patchSize, plan.validation.fraction),
          seed: 10 + i,
          signal: stop.signal,
          onEvent: (e) => {
            if (e.kind === 'uploaded') console.log(`[${profile}] round ${e.round}: update sent (${e.bytes} bytes)`);
            if (e.kind === 'refused') console.log(`[${profile}] round ${e.round}: ${e.code}`);
          },
        }).then(() => undefined, (err: unknown) => {
          if (!stop.signal.aborted) console.error(`[${profile}] stopped: ${(err as Error).message}`);
        }));
      }
    }
    if (!fresh) {
      const notStarted = idle.length ? `; not started, and not waited for: ${idle.join(', ')} (--collaborators ${SYNTHETIC_SITES.indexOf(idle.at(-1)!) + 1} starts them)` : '';
      console.log(`  (resumed the demo federation in ${dataDir}${profiles.length ? `, with its synthetic sites ${profiles.join(', ')}` : ''}${notStarted}; --fresh starts a new one)`);
    }

    await new Promise<void>((done) => {
      const onSignal = () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        console.log('stopping the demo');
        stop.abort();
        // the synthetic sites stop at their next step and tell the coordinator, which closes after them
        void Promise.allSettled(runs).then(() => running.close()).then(done, done);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    return 0;
  },
};
