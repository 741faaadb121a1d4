import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { STATE_FILE } from './global-setup'

/** URL (with token) of the browser host started in global setup. */
export function hostUrl(): string {
  return process.env.HFC_URL ?? (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { url: string }).url
}

export function origin(): string {
  return new URL(hostUrl()).origin
}

export async function openApp(page: Page, hash = '#/engine'): Promise<void> {
  await page.goto(hostUrl() + hash)
  await page.getByTestId('backend').getByRole('strong').waitFor()
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `tests/e2e/__screenshots__/${name}.png`, fullPage: true })
}
