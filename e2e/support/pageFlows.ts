/** Steps several specs take through the page as a site would. */
import { expect, type Page } from '@playwright/test';
import type { TestFederation } from './federation.ts';

/** Opens a fresh invite for `siteName`, consents and joins; resolves once the page says it joined. */
export async function joinWithInvite(page: Page, fed: TestFederation, siteName: string): Promise<void> {
  const invite = await fed.coordinator.invite(siteName);
  await page.goto(`${fed.url}/#/join/${invite.token}`);
  await page.getByTestId('join-consent').check();
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('joined')).toBeVisible({ timeout: 30_000 });
}

/** Goes to the Scans view and gives the folder input these files. */
export async function loadScans(page: Page, files: string | string[]): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Scans', exact: true }).click();
  await page.getByTestId('folder-input').setInputFiles(files);
}
