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
