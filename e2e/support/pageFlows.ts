/** Steps several specs take through the page as a site would. */
import { expect, type Page } from '@playwright/test';
import type { TestFederation } from './federation.ts';

/** Opens a fresh invite for `siteName`, consents and joins; resolves once the page says it joined. Gives the invite's URL. */
export async function joinWithInvite(page: Page, fed: TestFederation, siteName: string): Promise<string> {
  const invite = await fed.coordinator.invite(siteName);
  const url = `${fed.url}/#/join/${invite.token}`;
  await page.goto(url);
  // the invite was checked before the consent is asked: it names its site
  await expect(page.getByTestId('invite-for')).toHaveText(`This invite is for the site ${siteName}.`);
  await page.getByTestId('join-consent').check();
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('joined')).toBeVisible({ timeout: 30_000 });
  return url;
}

/** Goes to the Scans view and gives the folder input these files. */
export async function loadScans(page: Page, files: string | string[]): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Scans', exact: true }).click();
  await page.getByTestId('folder-input').setInputFiles(files);
}
