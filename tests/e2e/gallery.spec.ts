import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { openApp, screenshot } from './host'

test('the Gallery view runs HF and Salt&Pepper on default MNIST digits, filters, and exports a manifest that re-checks PNGs', async ({
  page,
}) => {
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

test('an empty Appendix-C selection says why and what to change; an export into a folder that cannot take files fails at once naming it', async ({
  page,
}) => {
  await openApp(page, '#/gallery')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('gallery-n').fill('4')
  // HF stops at r_min = 20, beyond the 28x28 half-diagonal (19.8): it removes nothing and fools nobody.
  await page.getByTestId('gallery-hf-rmin').fill('20')
  await page.getByTestId('gallery-run').click()
  await expect(page.getByTestId('gallery-spectra')).toBeVisible({ timeout: 120_000 })
  await expect(page.getByTestId('gallery-all-fooled')).toHaveText('0')
  await page.getByTestId('gallery-filter').selectOption('all-fooled')
  await expect(page.getByTestId('gallery-count')).toHaveText('0 of 4 samples')
  await expect(page.getByTestId('gallery-empty-reason')).toContainText(
    'No sample is fooled by every attack (fooled: High Frequency (HF) 0%',
  )
  await expect(page.getByTestId('gallery-empty-reason')).toContainText(
    'High Frequency (HF) fools fewest. HF gives up at its termination radius r_min (20)',
  )
  await screenshot(page, 'gallery-empty-appendix-c')
  // Inside the host's out-root, but through a file: the engine's folder check answers before any attack runs
  // (the unit and CLI tests cover /proc, which the browser host's trust model refuses earlier).
  const blocker = join(mkdtempSync(join(process.env.HFC_OUT_ROOT!, 'blocked-')), 'a-file')
  writeFileSync(blocker, 'not a folder')
  await page.getByTestId('gallery-out').fill(join(blocker, 'gallery'))
  await page.getByTestId('gallery-export').click()
  await expect(page.getByTestId('gallery-error')).toContainText(`Cannot write to ${join(blocker, 'gallery')}: choose another folder`)
})
