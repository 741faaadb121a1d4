import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { openApp, screenshot } from './host'
import { HAS_DATA, HAS_FIXTURES, NEEDS_DATA, NEEDS_FIXTURES, SHARED_DATA, SHARED_FIXTURES } from '../unit/paths'

const KERAS = join(SHARED_FIXTURES, 'keras')
const numbers = async (page: Page, id: string) => (await page.getByTestId(id).allTextContents()).map(Number)

test('a curve run finishing while other views are shown is kept, with its AUCs, and a seeded rerun gives the same numbers', async ({
  page,
}) => {
  await openApp(page, '#/attacks')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('attack-n').fill('8')
  await page.getByTestId('attack-defenses').fill('none, d1:8')
  await page.getByTestId('attack-toggle-hf').uncheck()
  await page.getByTestId('attack-run').click()
  // Leave at once: the sweep finishes while the Model and then the Data view are shown.
  await page.getByTestId('nav-model').click()
  await expect(page.getByTestId('model-name')).toContainText('mnist')
  await page.getByTestId('nav-data').click()
  await expect(page.getByTestId('dataset-count')).toHaveText('1000')
  await expect(page.locator('[data-testid="job"][data-state="done"]', { hasText: 'Robustness curves' })).toHaveCount(1, {
    timeout: 170_000,
  })
  await page.getByTestId('nav-attacks').click()
  await expect(page.getByTestId('auc-value')).toHaveCount(2)
  await expect(page.getByTestId('line-chart')).toBeVisible()
  await expect(page.getByTestId('attack-n')).toHaveValue('8')
  await expect(page.getByTestId('attack-defenses')).toHaveValue('none, d1:8')
  const kept = await numbers(page, 'auc-value')
  for (const auc of kept) {
    expect(auc).toBeGreaterThan(0)
    expect(auc).toBeLessThanOrEqual(1)
  }
  await screenshot(page, 'attacks-kept-after-navigation')
  // The same seed on the same images gives the same curves: the kept numbers are the run's own.
  await page.getByTestId('attack-run').click()
  await expect(page.getByTestId('attack-run')).toBeDisabled()
  await expect(page.getByTestId('attack-run')).toBeEnabled({ timeout: 170_000 })
  await expect(page.getByTestId('auc-value')).toHaveCount(2)
  expect(await numbers(page, 'auc-value')).toEqual(kept)
})

test(`switching models in the Kernels view takes the new model's first layer and default radius; the Model view drops the old accuracy${NEEDS_FIXTURES}`, async ({
  page,
}) => {
  test.skip(!HAS_FIXTURES, NEEDS_FIXTURES)
  await openApp(page, '#/kernels')
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('kernel-pair')).toHaveCount(32)
  const mnistLayer = await page.getByTestId('kernels-layer').inputValue()
  // 5x5 kernels: default r = 2 keeps 9 of 25 bins.
  await expect(page.getByTestId('kernels-radius-value')).toHaveText('2')
  await expect(page.getByTestId('kernels-kept')).toHaveText('9')
  await expect(page.getByTestId('d2-default')).toContainText('D2 default r = 2: half the 5×5 kernel width')
  await page.getByTestId('model-path').fill(join(KERAS, 'mnist_mpkuse_tfkeras2_2_4.h5'))
  await page.getByTestId('model-open').click()
  await expect(page.getByTestId('model-current')).toContainText('mnist_mpkuse')
  // 3x3 kernels: r = 2 would keep all 9 bins (a no-op); the default r = 1 keeps the centre bin only.
  await expect(page.getByTestId('kernels-radius-value')).toHaveText('1')
  await expect(page.getByTestId('kernels-kept')).toHaveText('1')
  await expect(page.getByTestId('kernels-layer')).toHaveValue('conv2d')
  expect(mnistLayer).not.toBe('conv2d')
  await expect(page.getByTestId('d2-default')).toContainText('D2 default r = 1: half the 3×3 kernel width of conv2d')
  await expect(page.getByTestId('kernels-error')).toHaveCount(0)
  await expect(page.getByTestId('kernels-radius')).toBeVisible()
  await screenshot(page, 'kernels-after-model-switch')

  await page.getByTestId('nav-model').click()
  await page.getByTestId('model-default').selectOption('mnist')
  await expect(page.getByTestId('model-name')).toHaveText('mnist')
  await page.getByTestId('eval-limit').fill('200')
  await page.getByTestId('eval-run').click()
  const first = Number((await page.getByTestId('eval-accuracy').textContent({ timeout: 60_000 }))!.replace('%', ''))
  expect(first).toBeGreaterThan(95)
  await page.getByTestId('model-path').fill(join(KERAS, 'mnist_mpkuse_tfkeras2_2_4.h5'))
  await page.getByTestId('model-open').click()
  await expect(page.getByTestId('model-name')).toContainText('mnist_mpkuse')
  await expect(page.getByTestId('eval-accuracy')).toHaveCount(0)
  await page.getByTestId('eval-defense').selectOption('d2')
  await expect(page.getByTestId('eval-d2-radii')).toHaveAttribute('placeholder', '1 (default)')
})

const VIEWS = ['data', 'spectrum', 'fourier', 'model', 'kernels', 'attacks', 'gallery', 'history', 'engine']

test('the workspace is shown once, above every view, and a file dropped in the browser host says why it cannot open', async ({ page }) => {
  await openApp(page, '#/data')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  for (const view of VIEWS) {
    await page.getByTestId(`nav-${view}`).click()
    await expect(page.getByTestId('workspace-bar')).toHaveCount(1)
    await expect(page.getByTestId('model-default')).toHaveCount(1)
    await expect(page.getByTestId('dataset-default')).toHaveCount(1)
    await expect(page.getByTestId('model-current')).toContainText('mnist')
    await expect(page.getByTestId('dataset-current')).toContainText('1000 images')
  }
  // A web page never sees where a dropped file lives: the bar says so instead of doing nothing.
  await page.evaluate(() => {
    const data = new DataTransfer()
    data.items.add(new File(['{}'], 'model.json'))
    document
      .querySelector('[data-testid="workspace-bar"]')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
  })
  await expect(page.getByTestId('workspace-drop-note')).toContainText('"model.json"')
  await expect(page.getByTestId('workspace-drop-note')).toContainText('desktop app')
  await screenshot(page, 'workspace-bar')
})

const aucs = async (scope: ReturnType<Page['getByTestId']>) =>
  (await scope.locator('[data-testid="history-value"][data-label^="AUC"]').allTextContents()).map(Number)

async function runCurves(page: Page, seed: number, defenses: string): Promise<number[]> {
  await page.getByTestId('attack-seed').fill(String(seed))
  await page.getByTestId('attack-defenses').fill(defenses)
  await page.getByTestId('attack-run').click()
  await expect(page.getByTestId('attack-run')).toBeDisabled()
  await expect(page.getByTestId('attack-run')).toBeEnabled({ timeout: 170_000 })
  return numbers(page, 'auc-value')
}

test('curve runs land in History with their AUCs, re-open in the Attacks view, and two runs compare AUC by AUC', async ({ page }) => {
  await openApp(page, '#/attacks')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('attack-n').fill('8')
  await page.getByTestId('attack-toggle-hf').uncheck()
  const first = await runCurves(page, 0, 'none, d1:8')
  const second = await runCurves(page, 1, 'none, d1:8, d2:2')
  expect(first).toHaveLength(2)
  expect(second).toHaveLength(3)

  await page.getByTestId('nav-history').click()
  const rows = page.locator('[data-testid="history-row"][data-kind="curves"]')
  await expect(rows).toHaveCount(2)
  // Newest first, each with the AUCs its table showed (same 4 decimals).
  expect(await aucs(rows.nth(0))).toEqual(second)
  expect(await aucs(rows.nth(1))).toEqual(first)

  await rows.nth(1).getByTestId('history-compare-a').check()
  await rows.nth(0).getByTestId('history-compare-b').check()
  const compare = page.getByTestId('history-compare')
  await expect(compare.getByTestId('compare-row')).toHaveCount(3)
  const a = (await compare.getByTestId('compare-auc-a').allTextContents()).map((t) => (t === '–' ? null : Number(t)))
  const b = (await compare.getByTestId('compare-auc-b').allTextContents()).map(Number)
  const diff = (await compare.getByTestId('compare-diff').allTextContents()).map((t) => (t === '–' ? null : Number(t)))
  // none and D1 are in both runs (other samples: seed 0 vs 1); D2 only in the second.
  expect(a).toEqual([first[0], first[1], null])
  expect(b).toEqual(second)
  for (const k of [0, 1]) expect(Math.abs(diff[k]! - (b[k] - a[k]!))).toBeLessThanOrEqual(1.5e-4)
  expect(diff[2]).toBeNull()
  await screenshot(page, 'history-compare')

  // Re-open the first run from another view: its curves and form come back in the Attacks view.
  await page.getByTestId('nav-data').click()
  await page.getByTestId('nav-history').click()
  await rows.nth(1).getByTestId('history-open').click()
  await expect(page).toHaveURL(/#\/attacks$/)
  await expect(page.getByTestId('auc-value')).toHaveCount(2)
  expect(await numbers(page, 'auc-value')).toEqual(first)
  await expect(page.getByTestId('attack-seed')).toHaveValue('0')
  await expect(page.getByTestId('attack-defenses')).toHaveValue('none, d1:8')
  await page.getByTestId('curve-card').scrollIntoViewIfNeeded()
  await screenshot(page, 'history-reopened')
})

test('a cancelled sweep keeps the curves that finished, marked partial, also in History', async ({ page }) => {
  await openApp(page, '#/attacks')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('attack-n').fill('64')
  await page.getByTestId('attack-defenses').fill('none')
  await page.getByTestId('attack-toggle-hf').uncheck()
  await page.getByTestId('attack-toggle-cw').check()
  await page.getByTestId('attack-run').click()
  // FGSM's curve streams in while CW still runs; then Cancel.
  await expect(page.getByTestId('auc-value')).toHaveCount(1, { timeout: 120_000 })
  const streamed = await numbers(page, 'auc-value')
  await page.getByTestId('job-cancel').first().click()
  await expect(page.getByTestId('curves-cancelled')).toBeVisible()
  await expect(page.getByTestId('attack-run')).toBeEnabled()
  expect(await numbers(page, 'auc-value')).toEqual(streamed)
  expect(streamed[0]).toBeGreaterThan(0)
  await page.getByTestId('curve-card').scrollIntoViewIfNeeded()
  await screenshot(page, 'curves-cancelled')
  await page.getByTestId('nav-history').click()
  const row = page.locator('[data-testid="history-row"][data-kind="curves"]')
  await expect(row.getByTestId('history-cancelled')).toBeVisible()
  expect(await aucs(row)).toEqual(streamed)
})

test('accuracy versus radius shows real progress and a cancelled run is kept, marked partial', async ({ page }) => {
  await openApp(page, '#/spectrum')
  await expect(page.getByTestId('model-current')).toContainText('mnist')
  await page.getByTestId('figure1-limit').fill('1000')
  await page.getByTestId('curve-run').click()
  const job = page.locator('[data-testid="job"][data-state="running"]', { hasText: 'Accuracy vs radius' })
  // The bar counts images of the whole selection (not 0 of 1) and moves before the first batch ends.
  await expect(job.getByTestId('job-progress')).toHaveAttribute('max', '1000')
  await expect.poll(async () => Number(await job.getByTestId('job-progress').getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(0)
  await expect(page.getByTestId('curve-result')).toBeVisible({ timeout: 120_000 })
  await job.getByTestId('job-cancel').click()
  await expect(page.getByTestId('curve-cancelled')).toBeVisible()
  const n = Number(await page.getByTestId('curve-n').textContent())
  expect(n).toBeGreaterThan(0)
  expect(n).toBeLessThan(1000)
  await expect(page.getByTestId('curve-cancelled')).toContainText(`${n} of 1000 images`)
  await page.getByTestId('curve-result').scrollIntoViewIfNeeded()
  await screenshot(page, 'radius-curve-cancelled')
  await page.getByTestId('nav-history').click()
  const row = page.locator('[data-testid="history-row"][data-kind="radius-curve"]')
  await expect(row.getByTestId('history-cancelled')).toBeVisible()
  await expect(row.locator('[data-testid="history-value"][data-label="images"]')).toHaveText(String(n))
})

test(`a recent data set re-opens with one click; a recent one that is gone gives the named error and can be removed${NEEDS_DATA}`, async ({
  page,
}) => {
  test.skip(!HAS_DATA, NEEDS_DATA)
  const samples = join(SHARED_DATA, 'samples')
  const pngs = readdirSync(samples).filter((f) => f.startsWith('cifar10_'))
  const folder = (name: string, count: number) => {
    const dir = mkdtempSync(join(process.env.HFC_IN_ROOT!, name))
    pngs.slice(0, count).forEach((f) => copyFileSync(join(samples, f), join(dir, f)))
    return dir
  }
  const kept = folder('recent-kept-', 5)
  const gone = folder('recent-gone-', 3)
  await openApp(page, '#/data')
  await expect(page.getByTestId('dataset-count')).toHaveText('1000')
  for (const [dir, count] of [
    [kept, '5'],
    [gone, '3'],
  ] as const) {
    await page.getByTestId('dataset-path').fill(dir)
    await page.getByTestId('dataset-open').click()
    await expect(page.getByTestId('dataset-count')).toHaveText(count)
  }
  rmSync(gone, { recursive: true })
  await page.getByTestId('dataset-default').selectOption('mnist')
  await expect(page.getByTestId('dataset-count')).toHaveText('1000')

  const recent = page.getByTestId('recent-dataset')
  await expect(recent).toHaveCount(2)
  // Newest first; re-opening one moves it to the front.
  await expect(recent.nth(0)).toContainText(basename(gone))
  const keptChip = recent.filter({ hasText: basename(kept) })
  const goneChip = recent.filter({ hasText: basename(gone) })
  await keptChip.getByTestId('recent-open').click()
  await expect(page.getByTestId('dataset-count')).toHaveText('5')
  // The open MNIST model does not fit 32x32x3 images: the split of the new image #0 shows (its label is 3,
  // MNIST's first is 7), without predictions, and the panel says why.
  await expect(page.getByTestId('decomposition')).toContainText('x (label 3)')
  await expect(page.getByTestId('decomposition')).toContainText('[SHAPE_MISMATCH]')
  await expect(page.getByTestId('pred-low')).toHaveCount(0)
  await expect(recent.nth(0)).toContainText(basename(kept))
  await goneChip.getByTestId('recent-open').click()
  await expect(page.getByTestId('dataset-error')).toContainText(gone)
  await expect(page.getByTestId('dataset-error')).toContainText(/\[[A-Z_]+\]/)
  await expect(page.getByTestId('dataset-count')).toHaveText('5')
  await expect(goneChip).toHaveClass(/failed/)
  await expect(keptChip).not.toHaveClass(/failed/)
  await screenshot(page, 'recent-items')
  await goneChip.getByTestId('recent-remove').click()
  await expect(recent).toHaveCount(1)
  // The list outlives the page.
  await page.reload()
  await expect(page.getByTestId('recent-dataset')).toHaveCount(1)
  await expect(page.getByTestId('recent-dataset')).toContainText(basename(kept))
})
