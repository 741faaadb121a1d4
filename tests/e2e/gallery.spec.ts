import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { openApp, screenshot } from './host'

test('the Gallery view runs HF and Salt&Pepper on default MNIST digits, filters, and exports a manifest that re-checks PNGs', async ({ page }) => {
  await openApp(page, '#/gallery')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('gallery-attack-single-pixel').uncheck()
  await page.getByTestId('gallery-n').fill('6')
  await page.getByTestId('gallery-hf-rmin').fill('1')
  await page.getByTestId('gallery-run').click()
  await expect(page.getByTestId('gallery-row')).toHaveCount(6, { timeout: 120_000 })
  await expect(page.getByTestId('gallery-spectra')).toBeVisible({ timeout: 60_000 })
  await page.getByTestId('gallery-show').selectOption('perturbation')
  await expect(page.getByTestId('gallery-grid')).toContainText('δ ×')
  await page.getByTestId('gallery-filter').selectOption('salt-pepper')
  const kept = Number((await page.getByTestId('gallery-count').textContent())!.split(' ')[0])
  expect(kept).toBeGreaterThan(0)
  await page.getByTestId('gallery-filter').selectOption('all')
  await screenshot(page, 'gallery')

  // The browser host writes only under its out-root (global-setup passes --out-root).
  const out = join(mkdtempSync(join(process.env.HFC_OUT_ROOT!, 'gallery-')), 'export')
  await page.getByTestId('gallery-out').fill(out)
  await page.getByTestId('gallery-export').click()
  await expect(page.getByTestId('gallery-exported')).toContainText('Wrote 6 samples', { timeout: 120_000 })
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  expect(manifest.status).toBe('complete')
  expect(manifest.rows).toHaveLength(6)
  for (const row of manifest.rows) {
    for (const entry of Object.values(row.attacks) as { png: string; npy: string; still_adversarial_after_png: boolean }[]) {
      expect(existsSync(join(out, entry.png))).toBe(true)
      expect(existsSync(join(out, entry.npy))).toBe(true)
      expect(typeof entry.still_adversarial_after_png).toBe('boolean')
    }
  }
  expect(existsSync(join(out, 'index.html'))).toBe(true)

  await page.getByTestId('gallery-export').click()
  await expect(page.getByTestId('gallery-error')).toContainText('confirm overwriting')
})
