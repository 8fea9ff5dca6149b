/**
 * A site joins a real coordinator from an invite URL (the answers to its first join are
 * lost, so it joins again with the key it kept), loads the real BraTS case and synthetic
 * cases from disk through the folder chooser, trains one round of the tiny
 * preset on WebGPU in the Worker, reloads the page mid-round (its first upload held back
 * until then, so the coordinator never got it) and resumes, uploads,
 * and the round closes with two headless collaborators. The network audit checks that
 * no request body holds any 256-byte window of the input files, that the upload has
 * exactly the codec's size, and that nothing goes to another host.
 */
import { expect, test, type BrowserContext, type Route } from '@playwright/test';
import { planHash } from '../src/core/protocol/plan.ts';
import { decodeUpdateEnvelope } from '../src/core/protocol/updateEnvelope.ts';
import { unetPlan } from '../src/core/model/unetSpec.ts';
import { getPreset } from '../src/core/model/modelPresets.ts';
import { codecFor } from '../src/core/codecs/updateCodec.ts';
import { e2ePlan, startFederation, type TestFederation } from './support/federation.ts';
import { NetworkAudit } from './support/networkAudit.ts';
import { collectErrors } from './support/pageProbes.ts';
import { siteLockName } from '../src/worker/siteLock.ts';
import { tempFolder, writeBratsCase, writeSyntheticCases } from './support/testData.ts';

const plan = e2ePlan();
let fed: TestFederation;
let folder: string;
let inputFiles: string[];

test.beforeAll(async () => {
  folder = tempFolder('fedseg-e2e-site-');
  inputFiles = [...writeBratsCase(folder), ...writeSyntheticCases(folder, 2, 16)];
  fed = await startFederation(plan, 2);
});

test.afterAll(async () => {
  await fed?.close();
});

test('join, load scans, train a round with a reload mid-round, and the round closes; no scan byte leaves', async ({ page, context }) => {
  test.setTimeout(420_000);
  const audit = new NetworkAudit(inputFiles);
  audit.attach(context);
  const errors = collectErrors(page);
  const invite = await fed.coordinator.invite('browser site');
  const t0 = Date.now();
  const mark = (what: string): void => console.log(`[federation spec] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // Join. The coordinator takes the join, but none of its answers reach the page (a proxy
  // drops them), so the page gives up; opened again, the invite joins with the key kept for
  // it, which the coordinator recognises as the same site (a new key would be refused)
  let answersLost = true;
  await context.route(/\/api\/v1\/join$/, async (route) => {
    if (!answersLost) return route.fallback();
    await route.fetch();
    await route.abort('connectionreset');
  });
  await page.goto(`${fed.url}/#/join/${invite.token}`);
  await expect(page.getByTestId('federation-name')).toHaveText(plan.federation, { timeout: 30_000 });
  await expect(page.getByTestId('plan-hash')).toHaveText(await planHash(plan));
  await expect(page.getByTestId('what-is-sent')).toContainText('Never: images, voxels, file names');
  await page.getByTestId('join-consent').check();
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('join-error')).toContainText('Joining failed', { timeout: 90_000 });
  answersLost = false;
  await page.reload();
  await page.getByTestId('join-consent').check();
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('joined')).toContainText('browser site', { timeout: 30_000 });

  mark('joined');
  // Data
  await page.goto(`${fed.url}/#/data`);
  await page.getByTestId('folder-input').setInputFiles(folder);
  await expect(page.getByTestId('data-counts')).toContainText('3 case(s) found', { timeout: 120_000 });
  await expect(page.getByTestId('data-counts')).toContainText('2 for training');
  await expect(page.getByTestId('data-counts')).toContainText('1 for validation');
  await expect(page.getByTestId('case-table').locator('tr', { hasText: 'BraTS19_TCIA08_105_1' })).toContainText('training');

  mark('scans loaded');
  // Train, reload while training, resume
  await page.goto(`${fed.url}/#/train`);
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
  // The site's first upload is held back until the page has reloaded: the reload then
  // always lands mid-round, however fast the two local steps run (a status poll can miss
  // the training steps entirely, and an upload that arrives closes the round).
  const firstUpload = await holdFirstUpload(context);
  await page.getByTestId('participate').click();
  await firstUpload.attempted;
  // the site is told what its prepared cases hold in the tab
  await expect(page.locator('ul.notices')).toContainText(/Prepared \d+ training cases? and \d+ validation cases?: [\d.]+ [MG]B .*; all held in this tab/);
  await expect(page.getByTestId('site-status')).toContainText('uploading the update', { timeout: 30_000 });
  mark('trained; upload held; reloading');
  await page.reload();
  firstUpload.drop();
  await expect(page.getByTestId('resume')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 60_000 });
  // another tab that takes part as this site (here: one holding the site's Web Lock) makes this one refuse,
  // until it is closed
  const other = await context.newPage();
  await other.goto(`${fed.url}/api/v1/health`);
  await other.evaluate((name) => new Promise<void>((held) => {
    void navigator.locks.request(name, () => {
      held();
      return new Promise(() => undefined);
    });
  }), siteLockName(fed.url));
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('train-error')).toContainText('already takes part in another tab', { timeout: 30_000 });
  await other.close();
  await page.getByTestId('resume').click();
  // the ledger, open while the site works, adds each request on top as it is made
  const tab = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await tab('Privacy ledger');
  const rowsBefore = await page.getByTestId('ledger-rows').locator('tr').count();
  await expect(page.locator('[data-kind="update upload"]')).toHaveCount(1, { timeout: 300_000 });
  const shown = await page.evaluate(() => ({
    kinds: [...document.querySelectorAll('[data-testid="ledger-rows"] tr')].map((r) => r.getAttribute('data-kind')),
    total: document.querySelector('[data-testid="ledger-total"]')!.textContent!,
  }));
  // one row per request, the upload (made after the view opened) among the rows added on top
  expect(shown.total).toMatch(new RegExp(`^${shown.kinds.length} requests to `));
  expect(shown.kinds.indexOf('update upload')).toBeLessThan(shown.kinds.length - rowsBefore);
  await tab('Train');
  await expect(page.getByTestId('site-status')).toContainText(/finished|waiting for the other sites/, { timeout: 300_000 });
  mark('round done');
  const results = await fed.collaborators;
  expect(results.length).toBe(2);
  const status = (await fetch(`${fed.url}/api/v1/round`).then((r) => r.json())) as { finished: boolean };
  expect(status.finished).toBe(true);

  mark('federation finished');
  await expect(page.getByTestId('round-history')).toContainText('Dice', { timeout: 30_000 });
  await page.screenshot({ path: test.info().outputPath('train-view.png'), fullPage: true });

  // Ledger
  await page.goto(`${fed.url}/#/ledger`);
  await expect(page.locator('[data-kind="update upload"]')).toHaveCount(1);
  // the federated evaluation went out too: round 1's model and the final one
  await expect(page.locator('[data-kind="metrics upload"]')).not.toHaveCount(0);
  // what is sent, in the words of the consent on the Join page
  await expect(page.getByTestId('ledger-what-is-sent')).toContainText('the number of training steps, the mean and last training loss, and how long training took');
  await page.screenshot({ path: test.info().outputPath('ledger-view.png'), fullPage: true });

  // Network audit
  const origin = new URL(fed.url).origin;
  const foreign = audit.requests.filter((r) => !r.url.startsWith('data:') && !r.url.startsWith('blob:') && new URL(r.url).origin !== origin);
  expect(foreign.map((r) => r.url)).toEqual([]);
  expect(audit.leaks()).toEqual([]);
  const uploads = audit.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/update'));
  expect(uploads.length).toBe(2); // the one the reload cancelled, and the one after resuming
  // the codec's size for this model: encode a zero delta of the plan's model
  const zeros = unetPlan(getPreset(plan.model.preset)).params.map((p) => ({ name: p.name, shape: [...p.shape], values: new Float32Array(p.shape.reduce((a, b) => a * b, 1)) }));
  const expectedPayload = codecFor(plan.codec).encode(zeros).length;
  for (const u of uploads) {
    const env = await decodeUpdateEnvelope(new Uint8Array(u.body!), { maxBytes: 64 * 1024 * 1024 });
    expect(env.meta.codec.name).toBe('float32');
    expect(env.payload.length).toBe(expectedPayload);
  }
  expect(errors).toEqual([]);
});

/**
 * Holds the first POST of an update until `drop()`: the page's reload then cancels it
 * (the Worker that sent it is gone), so the coordinator never receives it. Later
 * uploads go through.
 */
async function holdFirstUpload(context: BrowserContext): Promise<{ attempted: Promise<void>; drop(): void }> {
  let held: Route | undefined;
  let attempted!: () => void;
  const seen = new Promise<void>((resolve) => { attempted = resolve; });
  await context.route(/\/update$/, async (route) => {
    if (route.request().method() !== 'POST' || held) return route.fallback();
    held = route;
    attempted();
  });
  return {
    attempted: seen,
    drop() {
      // the reload already cancelled the request; abort() only releases Playwright's handle
      held?.abort().catch(() => undefined);
    },
  };
}
