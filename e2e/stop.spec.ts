/**
 * Stop: a site that stops taking part keeps no prepared copy of its cases in the browser,
 * and tells the coordinator, whose rounds stop waiting for it.
 * The copy (voxels, labels, case ids) is kept in IndexedDB only to resume after a reload;
 * after Stop no resume is offered, so the copy goes, as it does when the federation
 * finishes. The round waits for a second site that never comes, so the page is still in
 * it when Stop is pressed; meanwhile the Scans tab cannot change the cases. A tab closed
 * without Stop tells the coordinator the same as it goes. A Start that fails before
 * training (no cases) leaves the Train view usable, also after leaving it and coming back.
 */
import { expect, test } from '@playwright/test';
import { e2ePlan, startFederation, type TestFederation } from './support/federation.ts';
import { operatorStatusOf } from '../src/coordinator/testing/testFederation.ts';
import { collectErrors } from './support/pageProbes.ts';
import { storedKeys } from './support/siteStorage.ts';
import { tempFolder, writeSyntheticCases } from './support/testData.ts';
import { joinWithInvite, loadScans } from './support/pageFlows.ts';

const plan = e2ePlan({ federation: 'e2e stop', rounds: 2, validation: { fraction: 0 }, stragglers: { minSites: 2, roundDeadlineSeconds: 600 } });
let fed: TestFederation;
let folder: string;

test.beforeAll(async () => {
  folder = tempFolder('fedseg-e2e-stop-');
  writeSyntheticCases(folder, 2, 24, 3);
  fed = await startFederation(plan, 0);
});

test.afterAll(async () => {
  await fed?.close();
});

test('Stop deletes the prepared cases from the browser and offers no resume', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  // before it joined, the browser has nothing to take part in: Start waits, and says what to do
  await page.goto(`${fed.url}/#/train`);
  await expect(page.getByTestId('join-first')).toBeVisible();
  await expect(page.getByTestId('participate')).toBeDisabled();
  await page.getByRole('navigation').getByRole('link', { name: 'Review', exact: true }).click();
  await expect(page.getByTestId('review-empty')).toContainText('This browser has not joined the federation');
  await expect(page.getByTestId('review-open')).toBeDisabled();
  const inviteUrl = await joinWithInvite(page, fed, 'stopping site');
  // in another browser the used invite is refused before any consent is asked, and so is an unknown one
  const other = await page.context().browser()!.newContext();
  const elsewhere = await other.newPage();
  await elsewhere.goto(inviteUrl);
  await expect(elsewhere.getByTestId('invite-refused')).toContainText('A browser has already joined with it');
  // it does not say who joined, and nothing else is there to scroll past: no plan, no consent
  await expect(elsewhere.getByTestId('invite-refused')).not.toContainText('stopping site');
  await expect(elsewhere.getByTestId('join-consent')).toHaveCount(0);
  await expect(elsewhere.getByTestId('what-is-sent')).toHaveCount(0);
  await elsewhere.goto(`${fed.url}/#/join/${'A'.repeat(43)}`);
  await elsewhere.reload();
  await expect(elsewhere.getByTestId('invite-refused')).toContainText('The coordinator does not know it (the invite token is unknown or revoked');
  await other.close();
  // once joined, the page asked the browser to keep the site's key and checkpoint, and says what it answered
  await expect(page.getByTestId('storage-persistence')).toContainText(/^This browser (keeps|may clear) the site's key and checkpoint when disk space runs low/);
  // refused (as Debian's Chromium does a fresh profile), it can be asked again; the answer replaces the line
  if ((await page.getByTestId('storage-persistence').textContent())!.includes('may clear')) {
    await page.getByTestId('storage-ask-again').first().click();
    await expect(page.getByTestId('storage-persistence').first()).toContainText('may clear');
  }
  // the start page says who this browser is and what comes next: the scans, then training
  const home = async (next: string): Promise<void> => {
    await page.getByRole('navigation').getByRole('link', { name: 'Home', exact: true }).click();
    await expect(page.getByTestId('home-lead')).toContainText('This browser is the site "stopping site"');
    await expect(page.getByTestId('home-steps').locator('li.next a')).toHaveText(next);
  };
  await home('Scans');
  await loadScans(page, folder);
  await expect(page.getByTestId('data-counts')).toContainText('2 for training', { timeout: 60_000 });
  // the plan holds out no case here: the page says what that means for the site's scores
  await expect(page.getByTestId('validation-note')).toContainText('No case is held out for validation');
  await home('Train');
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('participate').click();
  // the copy is there while the site takes part: the list of cases, and each case on its own
  await expect.poll(async () => (await storedKeys(page)).filter((k) => k.startsWith('cases:')), { timeout: 60_000 }).toHaveLength(1);
  const caseKeys = (await storedKeys(page)).filter((k) => k.startsWith('case,')).sort();
  expect(caseKeys).toHaveLength(2);
  caseKeys.forEach((k, i) => expect(k).toMatch(new RegExp(`^case,http://127\\.0\\.0\\.1:\\d+/?,.*synthetic-${i + 1}$`)));
  // while it takes part the cases cannot change: the rounds train on them as they were
  const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await nav('Scans');
  await expect(page.getByTestId('cases-fixed')).toContainText('cannot change now');
  const useBoxes = page.locator('input[data-testid^="use-"]');
  await expect(useBoxes).toHaveCount(2);
  for (const box of await useBoxes.all()) await expect(box).toBeDisabled();
  await expect(page.getByTestId('folder-input')).toBeDisabled();
  await nav('Train');
  await expect(page.getByTestId('stop-participating')).toBeEnabled();
  // the round waits for this site while it takes part ...
  expect((await fed.coordinator.federation.roundStatus()).expectedSites).toBe(1);
  await page.getByTestId('stop-participating').click();
  await expect(page.getByTestId('site-status')).toContainText('Stopped', { timeout: 60_000 });
  // the notice that said the copies were kept until the participation ends is followed by what became of them
  await expect(page.locator('ul.notices li.info').last()).toHaveText("The participation ended: the prepared copies of the cases were deleted from this browser's storage.");
  // ... and no longer once it stopped: the page told the coordinator, which shows the operator when
  await expect.poll(async () => (await fed.coordinator.federation.roundStatus()).expectedSites, { timeout: 15_000 }).toBe(0);
  expect((await operatorStatusOf(fed.coordinator)).sites[0]).toMatchObject({ status: 'active', pausedAt: expect.any(Number) });
  await nav('Scans');
  for (const box of await useBoxes.all()) await expect(box).toBeEnabled();
  await expect(page.getByTestId('cases-fixed')).toHaveText('');
  await nav('Train');
  await expect.poll(async () => (await storedKeys(page)).filter((k) => k.startsWith('cases:') || k.startsWith('case,')), { timeout: 10_000 }).toEqual([]);
  // the identity stays (the site can take part again); a reload offers no resume
  expect((await storedKeys(page)).some((k) => k.startsWith('identity:'))).toBe(true);
  await page.reload();
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('participate')).toBeVisible();
  await expect(page.getByTestId('resume')).toBeHidden();
  expect(errors).toEqual([]);
});

test('a tab closed while the site takes part tells the coordinator, whose rounds stop waiting for it', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await joinWithInvite(page, fed, 'closing site');
  const siteId = (await operatorStatusOf(fed.coordinator)).sites.find((s) => s.name === 'closing site')!.id;
  await loadScans(page, folder);
  await expect(page.getByTestId('data-counts')).toContainText('2 for training', { timeout: 60_000 });
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await page.getByTestId('participate').click();
  // it sent its round-1 update and waits, with the round, for a second site (the first test's site stopped)
  const sent = async () => (await operatorStatusOf(fed.coordinator)).rounds.find((r) => r.round === 1)?.updates.some((u) => u.siteId === siteId);
  await expect.poll(sent, { timeout: 90_000 }).toBe(true);
  expect((await fed.coordinator.federation.roundStatus()).expectedSites).toBe(1);
  await expect(page.getByTestId('stop-participating')).toBeEnabled();
  // the round's deadline, 10 minutes out, is counted down
  await expect(page.getByTestId('round-info')).toContainText(/deadline .+ \(in \d+ min \d\d s\)/);
  const shown = await page.getByTestId('round-info').textContent();
  await expect(page.getByTestId('round-info')).not.toHaveText(shown!, { timeout: 5_000 });
  expect(errors).toEqual([]);
  // closed without Stop: the page's last request says the site stopped
  await page.close({ runBeforeUnload: true });
  await expect.poll(async () => (await fed.coordinator.federation.roundStatus()).expectedSites, { timeout: 15_000 }).toBe(0);
  expect((await operatorStatusOf(fed.coordinator)).sites.find((s) => s.id === siteId)).toMatchObject({ status: 'active', pausedAt: expect.any(Number) });
});

test('a Start without cases fails with a reason and leaves Start usable, also in the view shown again', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await joinWithInvite(page, fed, 'site without scans');
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  // keyboard focus follows the view: its heading, not the top of the page
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Take part in training');
  await page.getByTestId('participate').click();
  await expect(page.getByTestId('train-error')).toContainText('no usable training case', { timeout: 60_000 });
  await expect(page.getByTestId('site-status')).toContainText('Not started');
  await expect(page.getByTestId('participate')).toBeEnabled();
  await expect(page.getByTestId('stop-participating')).toBeDisabled();
  await page.getByRole('navigation').getByRole('link', { name: 'Scans', exact: true }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('participate')).toBeEnabled();
  await expect(page.getByTestId('stop-participating')).toBeDisabled();
  expect(errors).toEqual([]);
});
