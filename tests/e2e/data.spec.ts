import { expect, test, type Page } from '@playwright/test'
import { openApp, screenshot } from './host'

const canvasData = (page: Page, id: string) => page.getByTestId(id).evaluate((el) => (el as HTMLCanvasElement).toDataURL())

test('the Data view opens the default MNIST subset, scrolls, filters by class and updates x_l / x_h with the radius', async ({ page }) => {
  await openApp(page, '#/data')
  await expect(page.getByTestId('dataset-name')).toContainText('MNIST')
  await expect(page.getByTestId('dataset-count')).toHaveText('1000')
  await expect(page.getByTestId('visible-count')).toHaveText('1000 shown')

  const grid = page.getByTestId('thumb-grid')
  await grid.evaluate((el) => (el.scrollTop = 2000))
  await page.waitForTimeout(500)
  expect(await grid.evaluate((el) => el.scrollTop)).toBeGreaterThan(1000)

  await page.getByTestId('class-filter').selectOption({ label: '7' })
  await expect(page.getByTestId('visible-count')).not.toHaveText('1000 shown')
  const shown = Number((await page.getByTestId('visible-count').textContent())!.split(' ')[0])
  expect(shown).toBeGreaterThan(50)
  expect(shown).toBeLessThan(200)

  await page.getByTestId('thumb-canvas').click({ position: { x: 20, y: 20 } })
  await expect(page.getByTestId('img-low')).toBeVisible()
  await page.waitForTimeout(800)
  const lowBefore = await canvasData(page, 'img-low')
  const highBefore = await canvasData(page, 'img-high')
  await page.getByTestId('radius-slider').fill('3')
  await expect(page.getByTestId('radius-value')).toHaveText('3')
  await expect.poll(() => canvasData(page, 'img-low')).not.toBe(lowBefore)
  await expect.poll(() => canvasData(page, 'img-high')).not.toBe(highBefore)
  await screenshot(page, 'data')
})

test('a path that is not a data set gives an error that names it, and the open set stays', async ({ page }) => {
  await openApp(page, '#/data')
  await expect(page.getByTestId('dataset-name')).toContainText('MNIST')
  await page.getByTestId('dataset-path').fill('/definitely/not/here')
  await page.getByTestId('dataset-open').click()
  await expect(page.getByTestId('dataset-error')).toContainText('/definitely/not/here')
  // Outside the host's roots: the named error, and how to widen them.
  await expect(page.getByTestId('dataset-error')).toContainText('[PATH_OUTSIDE_ROOTS]')
  await expect(page.getByTestId('dataset-error')).toContainText('--root')
  await expect(page.getByTestId('dataset-name')).toContainText('MNIST')
})
