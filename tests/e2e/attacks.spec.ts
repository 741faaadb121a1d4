import { expect, test } from '@playwright/test'
import { openApp, screenshot } from './host'

test('the Attacks view runs HF and FGSM against the default MNIST model with D1 and D2, plots the curves and shows examples', async ({ page }) => {
  await openApp(page, '#/attacks')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('attack-n').fill('8')
  await page.getByTestId('attack-defenses').fill('none, d1:8, d2:2')
  await page.getByTestId('attack-run').click()
  await expect(page.getByTestId('auc-table')).toBeVisible({ timeout: 170_000 })
  await expect(page.getByTestId('auc-value')).toHaveCount(6)
  const aucs = await page.getByTestId('auc-value').allTextContents()
  for (const a of aucs) expect(Number(a)).toBeGreaterThanOrEqual(0)
  // The success rule is stated, and each curve's weakest success is past it (or there is none).
  await expect(page.getByTestId('margin-rule')).toContainText('below −0.001')
  await expect(page.getByTestId('weakest-margin')).toHaveCount(6)
  for (const m of await page.getByTestId('weakest-margin').allTextContents()) expect(m === '–' || Number(m) < -0.001).toBe(true)
  await screenshot(page, 'attacks')
  const box = await page.getByTestId('line-chart').boundingBox()
  expect(box).not.toBeNull()
})
