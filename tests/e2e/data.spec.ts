import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { openApp, screenshot } from './host'
import { HAS_DATA, NEEDS_DATA, SHARED_DATA } from '../unit/paths'

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

test(`a corrupt JPEG in an image folder shows as a crossed tile and is listed; the other thumbnails still draw${NEEDS_DATA}`, async ({
  page,
}) => {
  test.skip(!HAS_DATA, NEEDS_DATA)
  const samples = join(SHARED_DATA, 'samples')
  const dir = mkdtempSync(join(process.env.HFC_IN_ROOT!, 'broken-'))
  try {
    const pngs = readdirSync(samples)
      .filter((f) => f.startsWith('cifar10_'))
      .slice(0, 6)
    pngs.forEach((f, k) => copyFileSync(join(samples, f), join(dir, `img${k < 1 ? 'a' : 'c'}${k}_${f.split('_')[2]}`)))
    // A JPEG start marker over garbage: listed when the folder opens, fails when decoded.
    writeFileSync(join(dir, 'imgb_1.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]))
    await openApp(page, '#/data')
    await expect(page.getByTestId('dataset-name')).toContainText('MNIST')
    await page.getByTestId('dataset-path').fill(dir)
    await page.getByPlaceholder('HxW').fill('32x32')
    await page.getByTestId('dataset-open').click()
    await expect(page.getByTestId('dataset-count')).toHaveText('7')
    await expect(page.getByTestId('broken-count')).toHaveText('1')
    await expect(page.getByTestId('broken-image')).toContainText('#1: imgb_1.jpg cannot be decoded')
    // Tile 1 (the corrupt file) is grey with a red cross; tile 0 holds the CIFAR image's own colours.
    const pixel = (x: number, y: number) =>
      page
        .getByTestId('thumb-canvas')
        .evaluate((el, [px, py]) => Array.from((el as HTMLCanvasElement).getContext('2d')!.getImageData(px, py, 1, 1).data), [x, y])
    const [r, g, b] = await pixel(48 + 24, 24)
    expect(r).toBeGreaterThan(200)
    expect(g).toBeLessThan(140)
    expect(b).toBeLessThan(140)
    const grey = await pixel(48 + 6, 24)
    expect(grey.slice(0, 3)).toEqual([0x55, 0x55, 0x55])
    const good = await pixel(24, 24)
    expect(good.slice(0, 3)).not.toEqual([0x11, 0x11, 0x11])
    await screenshot(page, 'data-broken-image')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a flat folder with 30 labels gets a searchable class summary, the grid takes arrow keys and hover, and the view fits 1024 px', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 768 })
  const dir = mkdtempSync(join(process.env.HFC_IN_ROOT!, 'classes-'))
  try {
    // 30 tiny grey squares named x<k>_<label>.png, one per label 0..29, each a different grey.
    for (let k = 0; k < 30; k++) {
      await sharp(Buffer.alloc(8 * 8, 8 * k), { raw: { width: 8, height: 8, channels: 1 } })
        .png()
        .toFile(join(dir, `x${String(k).padStart(2, '0')}_${k}.png`))
    }
    await openApp(page, '#/data')
    await expect(page.getByTestId('dataset-name')).toContainText('MNIST')
    await page.getByTestId('dataset-path').fill(dir)
    await page.getByTestId('dataset-open').click()
    await expect(page.getByTestId('dataset-count')).toHaveText('30')
    await expect(page.getByTestId('class-summary')).toBeVisible()
    await expect(page.getByTestId('class-summary-count')).toHaveText('30')
    await expect(page.getByTestId('class-row')).toHaveCount(30)
    await page.getByTestId('class-search').fill('17')
    await expect(page.getByTestId('class-row')).toHaveCount(1)
    await page.getByTestId('class-row').click()
    await expect(page.getByTestId('visible-count')).toHaveText('1 shown')
    await screenshot(page, 'data-class-summary')
    await page.getByTestId('class-filter').selectOption('all')
    await expect(page.getByTestId('visible-count')).toHaveText('30 shown')

    // Hover names the tile; the arrow keys move a cursor and Enter opens the image under it.
    const canvas = page.getByTestId('thumb-canvas')
    await canvas.hover({ position: { x: 48 + 24, y: 24 } })
    await expect(page.getByTestId('grid-hover')).toContainText('#1 · label 1')
    const grid = page.getByTestId('thumb-grid')
    const columns = Number(await grid.getAttribute('data-columns'))
    expect(columns).toBeGreaterThan(2)
    await grid.focus()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('selected-index')).toHaveText('2')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('selected-index')).toHaveText(String(2 + columns))
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('selected-index')).toHaveText('29')

    // Nothing is wider than the window, neither the page nor the scrolling content area.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024)
    const content = await page.locator('main.content').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
    expect(content.scroll).toBeLessThanOrEqual(content.client)
    await screenshot(page, 'data-1024')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test(`opening a train/test folder says which split it took and opens the other; a mixed-size folder lists its sizes${NEEDS_DATA}`, async ({
  page,
}) => {
  test.skip(!HAS_DATA, NEEDS_DATA)
  await openApp(page, '#/data')
  await expect(page.getByTestId('dataset-name')).toContainText('MNIST')
  await page.getByTestId('dataset-path').fill(join(SHARED_DATA, 'fashion-mnist'))
  await page.getByTestId('dataset-open').click()
  await expect(page.getByTestId('dataset-count')).toHaveText('10000')
  await expect(page.getByTestId('dataset-split-name')).toHaveText('test')
  await page.getByTestId('dataset-open-split-train').click()
  await expect(page.getByTestId('dataset-count')).toHaveText('60000')
  await expect(page.getByTestId('dataset-split-name')).toHaveText('train')
  await expect(page.getByTestId('dataset-open-split-test')).toBeVisible()

  await page.getByTestId('dataset-path').fill(join(SHARED_DATA, 'samples'))
  await page.getByTestId('dataset-open').click()
  await expect(page.getByTestId('dataset-count')).toHaveText('100')
  // The same 48 sampled headers as the unit test: 32x32 CIFAR, 28x28 MNIST, large ImageNet JPEGs.
  await expect(page.getByTestId('dataset-sizes')).toContainText('32×32 (20)')
  await expect(page.getByTestId('dataset-sizes')).toContainText('28×28 (18)')
  await screenshot(page, 'data-choices')
  await page.getByTestId('dataset-open-size-28x28').click()
  await expect(page.getByTestId('dataset-info')).toContainText('28×28×3')
})
