import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test } from '@playwright/test'
import { openApp, screenshot } from './host'

test('the Report view writes the report of the embedded MNIST model on 4 images, and its index.html reads in a browser with the same numbers', async ({
  page,
}) => {
  test.setTimeout(900_000)
  await openApp(page, '#/report')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('report-limit').fill('4')
  // The browser host writes only under its out-root (global-setup passes --out-root).
  const out = join(mkdtempSync(join(process.env.HFC_OUT_ROOT!, 'report-')), 'report')
  await page.getByTestId('report-out').fill(out)
  await page.getByTestId('report-run').click()
  await expect(page.getByTestId('report-section-curves')).toHaveAttribute('data-status', 'done', { timeout: 600_000 })
  await expect(page.getByTestId('report-written')).toBeVisible({ timeout: 300_000 })
  for (const section of ['setup', 'figure1', 'radius', 'curves', 'direct', 'gallery', 'kernels', 'heatmap', 'write'])
    await expect(page.getByTestId(`report-section-${section}`)).toHaveAttribute('data-status', 'done')
  await screenshot(page, 'report-view')

  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    evaluation: { accuracy: number; n: number }
    figure1: { counts: { highOnly: number } }
    curves: { entries: { attack: string; defense: string; auc: number }[] }
  }
  expect(results.evaluation.n).toBe(4)
  const clean = `${(results.evaluation.accuracy * 100).toFixed(1)} %`
  await expect(page.getByTestId('report-clean-accuracy')).toHaveText(clean)
  await expect(page.getByTestId('report-high-only')).toHaveText(String(results.figure1.counts.highOnly))
  await expect(page.getByTestId('report-index')).toHaveText(join(out, 'index.html'))

  // The written report, opened from its folder as a reader would: every figure loads, the numbers match.
  await page.goto(pathToFileURL(join(out, 'index.html')).href)
  await expect(page.locator('#clean-accuracy')).toHaveText(clean)
  const fgsm = results.curves.entries.find((e) => e.attack === 'fgsm' && e.defense === 'none')!
  await expect(page.locator('#figure2 table')).toContainText(fgsm.auc.toFixed(3))
  const images = page.locator('img')
  expect(await images.count()).toBeGreaterThan(8)
  const broken = await images.evaluateAll((all) =>
    (all as HTMLImageElement[]).filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src),
  )
  expect(broken).toEqual([])
  await screenshot(page, 'report-index')
  if (existsSync('/usr/bin/chromium')) expect(readFileSync(join(out, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
})
