import { copyFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import sharp from 'sharp'
import { openApp, screenshot } from './host'

test('the Attacks view runs HF and FGSM against the default MNIST model with D1 and D2, plots the curves and shows examples', async ({
  page,
}) => {
  // The sweep takes most of the default 3 minutes on two cores; the chart checks after it need a little more.
  test.setTimeout(300_000)
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
  // Where the attacks put their energy: one mean perturbation profile per attack on the model (the transfer
  // curves share its adversarials), each with the radius below which half its energy lies (0-19 at 28 x 28).
  await expect(page.getByTestId('perturbation-spectra')).toBeVisible()
  const radii = await page.getByTestId('half-energy-radius').allTextContents()
  expect(radii).toHaveLength(2)
  for (const r of radii) expect(r === '–' || (Number(r) >= 0 && Number(r) <= 19)).toBe(true)
  expect(radii.some((r) => r !== '–')).toBe(true)
  await page.getByTestId('perturbation-spectra').screenshot({ path: 'tests/e2e/__screenshots__/attacks-spectra.png' })
  await screenshot(page, 'attacks')
  const box = await page.getByTestId('line-chart').boundingBox()
  expect(box).not.toBeNull()

  await page.getByTestId('curve-card').scrollIntoViewIfNeeded()
  await screenshot(page, 'attacks-chart')
  // One line per curve plus a worst case per defense (two attacks each): 6 + 3, each in the legend.
  const lines = page.getByTestId('series-line')
  await expect(lines).toHaveCount(9)
  await expect(page.getByTestId('legend-entry')).toHaveCount(9)
  const first = page.getByTestId('legend-entry').first()
  const firstId = await first.getAttribute('data-series')
  await first.click()
  await expect(lines).toHaveCount(8)
  await expect(page.locator(`[data-testid="series-line"][data-series="${firstId}"]`)).toHaveCount(0)
  await first.click()
  await expect(lines).toHaveCount(9)

  // The read-out at the left edge of the axis (ε = 0) shows each curve's clean accuracy, as the table does.
  const plot = page.getByTestId('curve-plot').first()
  const plotBox = (await plot.boundingBox())!
  const unit = plotBox.width / 720
  await page.mouse.move(plotBox.x + 47 * unit, plotBox.y + plotBox.height / 2)
  await expect(page.getByTestId('chart-readout')).toBeVisible()
  await expect(page.getByTestId('readout-x')).toHaveText('0.00')
  const readout = await page.getByTestId('readout-value').allTextContents()
  const clean = await page.getByTestId('clean-value').allTextContents()
  expect(readout.slice(0, 6)).toEqual(clean)

  // A click a few pixels off a point of the FGSM / none curve opens the examples behind it, each with the model's prediction.
  const fgsm = await page.getByTestId('legend-entry').filter({ hasText: 'FGSM · none' }).getAttribute('data-series')
  const path = (await page.locator(`[data-testid="series-line"][data-series="${fgsm}"]`).getAttribute('d'))!
  const points = [...path.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])])
  const [px, py] = points[Math.floor(points.length * 0.6)]
  await page.mouse.click(plotBox.x + px * unit + 4, plotBox.y + py * unit + 3)
  await expect(page.getByTestId('examples')).toContainText('FGSM · none')
  for (const caption of await page.getByTestId('example-caption').allTextContents()) {
    const m = /: (\S+) → (\S+),/.exec(caption)
    expect(m).not.toBeNull()
    expect(m![2]).not.toBe(m![1])
  }

  // Small multiples: a panel per defense, then per attack (HF, FGSM and the worst cases).
  await page.getByTestId('chart-layout').selectOption('defense')
  await expect(page.getByTestId('chart-panel')).toHaveCount(3)
  await expect(lines).toHaveCount(9)
  await page.getByTestId('curve-card').scrollIntoViewIfNeeded()
  await screenshot(page, 'attacks-panels')
  await page.getByTestId('chart-layout').selectOption('attack')
  await expect(page.getByTestId('chart-panel-title')).toHaveCount(3)
  expect((await page.getByTestId('chart-panel-title').allTextContents()).sort()).toEqual(['FGSM', 'High Frequency (HF)', 'worst case'])
  await page.getByTestId('chart-layout').selectOption('overlay')

  // Zoom by dragging across the plot: the axis then spans what was dragged over.
  const overlay = (await page.getByTestId('curve-plot').first().boundingBox())!
  await page.mouse.move(overlay.x + overlay.width * 0.3, overlay.y + overlay.height / 2)
  await page.mouse.down()
  await page.mouse.move(overlay.x + overlay.width * 0.5, overlay.y + overlay.height / 2, { steps: 5 })
  await page.mouse.up()
  const [from, to] = [Number(await page.getByTestId('chart-xmin').inputValue()), Number(await page.getByTestId('chart-xmax').inputValue())]
  expect(from).toBeGreaterThan(0)
  expect(to).toBeGreaterThan(from)
  expect(to).toBeLessThan(0.8)
  await page.getByTestId('chart-reset').click()

  // Zoom by range inputs, log axis, and a PNG with a title on an opaque white background.
  await page.getByTestId('chart-xmax').fill('0.05')
  await page.getByTestId('chart-xmax').press('Enter')
  await expect(page.getByTestId('chart-xmax')).toHaveValue('0.05')
  await page.getByTestId('chart-xscale').selectOption('log')
  await expect(page.getByTestId('x-tick').first()).toHaveText(/e-|0\.0/)
  await page.getByTestId('chart-reset').click()
  const download = page.waitForEvent('download')
  await page.getByTestId('curves-png').click()
  const png = await (await download).path()
  copyFileSync(png, 'tests/e2e/__screenshots__/attacks-export.png')
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
  expect(info.width).toBe(1440)
  expect(info.channels).toBe(4)
  expect(Array.from(data.subarray(0, 4))).toEqual([255, 255, 255, 255])
  let opaque = 0
  for (let i = 3; i < data.length; i += 4) opaque += data[i] === 255 ? 1 : 0
  expect(opaque).toBe(info.width * info.height)
  await page.getByTestId('curve-card').scrollIntoViewIfNeeded()
  await screenshot(page, 'attacks-chart-tools')
})

test('a preset button fills the Attacks form with the paper’s settings and says what it set; the direct-attack preset sets PGD at ε = 0.3', async ({
  page,
}) => {
  await openApp(page, '#/attacks')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('preset-paper')).toHaveText('Paper figures')
  await expect(page.getByTestId('preset-defenses-direct')).toHaveText('Defenses under direct attack')

  await page.getByTestId('preset-paper').click()
  await expect(page.getByTestId('attack-n')).toHaveValue('100')
  await expect(page.getByTestId('attack-seed')).toHaveValue('0')
  await expect(page.getByTestId('attack-defenses')).toHaveValue('none, d1:4, d1:8, d1:12, d2:1, d2:2, d2:1,1, d2:2,2')
  await expect(page.getByTestId('attack-norm')).toHaveValue('linf')
  await expect(page.getByTestId('protocol-transfer')).toBeChecked()
  await expect(page.getByTestId('protocol-direct')).not.toBeChecked()
  for (const id of ['fgsm', 'deepfool', 'hf', 'single-pixel', 'salt-pepper'])
    await expect(page.getByTestId(`attack-toggle-${id}`)).toBeChecked()
  await expect(page.getByTestId('attack-toggle-pgd')).not.toBeChecked()
  await expect(page.getByTestId('param-hf-rMin')).toHaveValue('2')
  await expect(page.getByTestId('preset-settings')).toContainText('rMin = 2')
  await expect(page.getByTestId('preset-settings')).toContainText('N = 100, seed 0')

  await page.getByTestId('preset-defenses-direct').click()
  await expect(page.getByTestId('attack-toggle-pgd')).toBeChecked()
  await expect(page.getByTestId('attack-toggle-hf')).not.toBeChecked()
  await expect(page.getByTestId('param-pgd-epsilons')).toHaveValue('0.3')
  await expect(page.getByTestId('attack-defenses')).toHaveValue('none, d1:8, d2:2')
  for (const p of ['transfer', 'direct', 'adaptive']) await expect(page.getByTestId(`protocol-${p}`)).toBeChecked()
  await expect(page.getByTestId('preset-settings')).toContainText('epsilons = 0.3')
  await screenshot(page, 'attacks-presets')
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
