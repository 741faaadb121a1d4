import { resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { openApp, screenshot } from './host'

const ONNX = resolve('tests/fixtures/onnx/mnist_cnn_narrow.onnx')

test('an ONNX model exported from PyTorch opens, shows its first-layer kernels and a gradient map', async ({ page }) => {
  await openApp(page, '#/kernels')
  await page.getByTestId('model-path').fill(ONNX)
  await page.getByTestId('model-open').click()
  await expect(page.getByTestId('model-current')).toContainText('mnist_cnn_narrow')
  await expect(page.getByTestId('kernel-pair')).toHaveCount(8)
  await page.getByTestId('nav-spectrum').click()
  await expect(page.getByTestId('gradient-panel')).toContainText('Input gradient')
  await expect(page.getByTestId('gradient-map')).toBeVisible()
  await expect(page.getByTestId('pred-low')).toBeVisible()
  await screenshot(page, 'onnx-gradient')
})

test("a model trained on 0-255 pixels: near chance and the guard's warning as [0, 1], its accuracy once the picker's range is set", async ({
  page,
}) => {
  const raw = resolve('tests/fixtures/onnx/mnist_raw255_trained.onnx')
  await openApp(page, '#/model')
  await page.getByTestId('model-path').fill(raw)
  await page.getByTestId('model-open').click()
  await expect(page.getByTestId('model-preprocessing-applied')).toHaveText('range 0..1, NCHW')
  await page.getByTestId('eval-limit').fill('200')
  await page.getByTestId('eval-run').click()
  await expect(page.getByTestId('eval-warning')).toContainText('near chance', { timeout: 60_000 })
  expect(Number((await page.getByTestId('eval-accuracy').textContent())!.replace('%', ''))).toBeLessThan(20)
  await page.getByTestId('model-preprocessing').locator('summary').click()
  await page.getByTestId('model-range').selectOption('0,255')
  await page.getByTestId('model-open').click()
  await expect(page.getByTestId('model-preprocessing-applied')).toHaveText('range 0..255, NCHW')
  await page.getByTestId('eval-run').click()
  await expect
    .poll(async () => Number((await page.getByTestId('eval-accuracy').textContent())!.replace('%', '')), { timeout: 60_000 })
    .toBeGreaterThan(85)
  await expect(page.getByTestId('eval-warning')).toHaveCount(0)
  await screenshot(page, 'model-preprocessing')
})
