import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { openApp, screenshot } from './host'

/** The numpy/PyTorch reference of scripts/heatmap-reference.py: 48 digits, eps 6, seed 3, strides 5 and 7. */
const reference = JSON.parse(readFileSync('tests/fixtures/heatmap/mnist-reference.json', 'utf8')) as {
  n: number
  eps: number
  seed: number
  frequencies: { u: number; v: number; errors: number }[]
}

test('the Fourier view shows the heat maps of the model, its D1 and D2 variants, with the reference maximum, an example and a difference map', async ({
  page,
}) => {
  // The stride-7 frequencies are those whose offsets are all multiples of 7.
  const onGrid = reference.frequencies.filter((f) => f.u % 7 === 0 && f.v % 7 === 0)
  const peak = onGrid.reduce((best, f) => (f.errors > best.errors ? f : best))
  const expected = `max ${((100 * peak.errors) / reference.n).toFixed(1)} %`

  await openApp(page, '#/fourier')
  await page.getByTestId('model-default').selectOption('mnist')
  await page.getByTestId('heatmap-eps').fill(String(reference.eps))
  await page.getByTestId('heatmap-limit').fill(String(reference.n))
  await page.getByTestId('heatmap-seed').fill(String(reference.seed))
  await page.getByTestId('heatmap-stride').fill('7')
  await page.getByTestId('heatmap-run').click()
  await expect(page.getByTestId('heatmap-max-d2')).toBeVisible({ timeout: 120_000 })
  await expect(page.getByTestId('heatmap-max-none')).toContainText(expected)
  await expect(page.getByTestId('heatmap-max-d1')).toContainText(/max \d+\.\d %/)
  await expect(page.getByTestId('heatmap-legend').first()).toBeVisible()

  // Click the zero-frequency cell of the model's map: a perturbed example with its prediction.
  const canvas = page.getByTestId('heatmap-none').getByTestId('heatmap-canvas')
  const box = (await canvas.boundingBox())!
  const cell = 280 / 28
  await canvas.click({ position: { x: (30 + 14.5 * cell) * (box.width / 316), y: (8 + 14.5 * cell) * (box.height / 318) } })
  await expect(page.getByTestId('heatmap-example')).toContainText('(u, v) = (0, 0)')
  await expect(page.getByTestId('heatmap-example-prediction')).toContainText(/predicted \d/)

  await expect(page.getByTestId('heatmap-difference')).toBeVisible()
  await screenshot(page, 'fourier')

  // The maps stay in their store across navigation.
  await page.getByTestId('nav-data').click()
  await page.getByTestId('nav-fourier').click()
  await expect(page.getByTestId('heatmap-max-none')).toContainText(expected)
})
