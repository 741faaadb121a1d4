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
  await screenshot(page, 'attacks')
  const box = await page.getByTestId('line-chart').boundingBox()
  expect(box).not.toBeNull()
})

test('an attack that fools nobody leaves the Attacks view intact: form, chart and a table of numbers', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await openApp(page, '#/attacks')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('attack-n').fill('8')
  await page.getByTestId('attack-defenses').fill('none')
  for (const id of ['hf', 'fgsm']) await page.getByTestId(`attack-toggle-${id}`).uncheck()
  await page.getByTestId('attack-toggle-single-pixel').check()
  // One pixel location, set black then white: not enough to flip any of 8 MNIST digits.
  const maxPixels = page.getByTestId('attack-single-pixel').locator('label', { hasText: 'maxPixels' }).locator('input')
  await maxPixels.fill('1')
  await maxPixels.press('Tab')
  await page.getByTestId('attack-run').click()
  await expect(page.getByTestId('auc-value')).toHaveCount(1, { timeout: 170_000 })
  await expect(page.getByTestId('fooled-value')).toHaveText('0.0%')
  await expect(page.getByTestId('median-value')).toHaveText('–')
  const auc = Number(await page.getByTestId('auc-value').textContent())
  const clean = parseFloat((await page.getByTestId('clean-value').textContent())!) / 100
  // Nobody fooled: accuracy stays at the clean accuracy at every ε (on 0..1), so the AUC equals it.
  expect(clean).toBeGreaterThan(0.5)
  expect(auc).toBeCloseTo(clean, 3)
  expect(parseFloat((await page.getByTestId('under-attack-value').textContent())!) / 100).toBeCloseTo(clean, 3)
  await expect(page.getByTestId('line-chart')).toBeVisible()
  await expect(page.getByTestId('attack-run')).toBeEnabled()
  await expect(page.getByTestId('attack-n')).toHaveValue('8')
  await expect(page.getByTestId('panel-error')).toHaveCount(0)
  expect(errors).toEqual([])
  await screenshot(page, 'attacks-fools-nobody')
})
