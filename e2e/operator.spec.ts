/**
 * The operator dashboard (#/operator) over a real coordinator while two headless sites
 * train two rounds: the token is taken from the URL and dropped from the address at once,
 * kept for the tab only (a reload keeps the dashboard), sent as a bearer token to the
 * operator's routes alone; the sites, the rounds and the federated Dice are shown as the
 * federation goes on; a site is invited and revoked from it; a wrong token is refused with the coordinator's code and asks again;
 * the page's section tabs do not offer the dashboard.
 */
import { expect, test } from '@playwright/test';
import { e2ePlan, startFederation, type TestFederation } from './support/federation.ts';
import { collectErrors } from './support/pageProbes.ts';

const plan = e2ePlan({ federation: 'e2e operator', rounds: 2, stragglers: { minSites: 2, roundDeadlineSeconds: 600 } });
let fed: TestFederation;

test.beforeAll(async () => {
  fed = await startFederation(plan, 2);
});

test.afterAll(async () => {
  await fed?.close();
});

test('the operator follows the federation on the dashboard, with the token kept out of the address', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const token = fed.coordinator.operatorToken;
  const authorised: string[] = [];
  page.on('request', (r) => {
    if (r.headers().authorization !== undefined) authorised.push(new URL(r.url()).pathname);
  });
  await page.goto(`${fed.url}/#/operator/${token}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Operator dashboard: e2e operator');
  expect(new URL(page.url()).hash).toBe('#/operator');
  await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('link')).not.toContainText(['Operator dashboard']);

  // both sites, by name, active once joined
  const sites = page.getByTestId('operator-sites');
  await expect(sites.locator('tr')).toHaveCount(2);
  await expect(sites).toContainText('headless-1');
  await expect(sites).toContainText('headless-2');
  // the federation finishes: both rounds listed, newest first, each with both sites' updates, and the final model named
  await expect(page.getByTestId('operator-round')).toContainText('Finished: all 2 rounds closed', { timeout: 180_000 });
  const rounds = page.getByTestId('operator-rounds').locator('tr');
  await expect(rounds).toHaveCount(2);
  await expect(rounds.first().locator('th')).toHaveText('2');
  for (const r of await rounds.all()) await expect(r.locator('td').nth(1)).toHaveText('2');
  // the last round by site: both sites' updates, with their training cases and norms
  const bySite = page.getByTestId('operator-round-by-site').locator('tr');
  await expect(bySite).toHaveCount(2);
  for (const r of await bySite.all()) await expect(r.locator('td').nth(1)).toHaveText(/^\d+\.\d{2}$/);
  await expect(page.getByTestId('operator-protection')).toHaveText('Aggregation fedavg; updates sent as float32; secure aggregation off; differential privacy off.');
  // the federated Dice, plotted: one point per evaluated round and one for the final model (the values table under the plot)
  const dicePoints = page.locator('figure.chart').first().locator('.chart-table tbody tr');
  await expect(dicePoints).toHaveCount(3, { timeout: 30_000 });
  await expect(dicePoints.last().locator('th')).toHaveText('3');
  const finalDice = Number(await dicePoints.last().locator('td').nth(2).textContent());
  expect(finalDice).toBeGreaterThanOrEqual(0);
  expect(finalDice).toBeLessThanOrEqual(1);
  // the update norms, plotted per round (no secure aggregation here)
  await expect(page.locator('figure.chart').nth(1)).toBeVisible();
  await expect(page.locator('figure.chart').nth(1).locator('.chart-table tbody tr')).toHaveCount(2);

  // an invite made on the dashboard: a one-time URL on this address, and the site listed as invited
  page.on('dialog', (d) => void d.accept());
  await page.getByLabel('Site name').fill('Hospital Z');
  await page.getByRole('button', { name: 'Create invite' }).click();
  await expect(page.getByTestId('operator-invite-outcome')).toContainText('Invite for Hospital Z (site id hospital-z-');
  expect(await page.getByTestId('operator-invite-url').inputValue()).toMatch(new RegExp(`^${fed.url}/#/join/[A-Za-z0-9_-]{43}$`));
  const invited = sites.locator('tr', { hasText: 'Hospital Z' });
  await expect(invited.locator('td').nth(1)).toHaveText('invited');
  // revoked on the dashboard (after the confirmation), it is listed as revoked and offers no second revocation
  await page.getByRole('button', { name: 'Revoke Hospital Z' }).click();
  await expect(page.getByTestId('operator-action')).toHaveText('Hospital Z is revoked.');
  await expect(invited.locator('td').nth(1)).toHaveText(/^revoked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await expect(page.getByRole('button', { name: 'Revoke Hospital Z' })).toBeHidden();
  expect((await fed.coordinator.federation.roundStatus()).finished).toBe(true);

  // a reload keeps the dashboard: the token is in this tab's session storage, not in the address
  await page.reload();
  await expect(page.getByTestId('operator-rounds').locator('tr')).toHaveCount(2);
  expect(new URL(page.url()).hash).toBe('#/operator');

  // forgotten, the token is asked for; a wrong one is refused with the coordinator's code, and the form stays
  await page.getByTestId('operator-forget').click();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  await page.getByLabel('Operator token').fill('not-the-operator-token');
  await page.getByRole('button', { name: 'Open the dashboard' }).click();
  await expect(page.getByTestId('operator-token-error')).toContainText('The coordinator refused this token (OPERATOR_TOKEN_INVALID)');
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  await page.getByLabel('Operator token').fill(token);
  await page.getByRole('button', { name: 'Open the dashboard' }).click();
  await expect(page.getByTestId('operator-rounds').locator('tr')).toHaveCount(2);

  // the token went to the operator's routes only, as a bearer token, and the address never kept it
  expect(authorised.length).toBeGreaterThan(0);
  expect(authorised.filter((p) => !/^\/api\/v1\/(status|invites|sites\/[^/]+\/revoke)$/.test(p))).toEqual([]);
  expect(page.url()).not.toContain(token);
  // the refused token's 403 is the one failed load the browser reports
  expect(errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
});
