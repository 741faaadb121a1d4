import { expect, test } from '@playwright/test'
import { WebSocket } from 'ws'
import { hostUrl, openApp, origin, screenshot } from './host'

test('the browser host shows the app frame and names the backend in use', async ({ page }) => {
  await openApp(page)
  await expect(page.getByTestId('backend')).toContainText(/wasm|tensorflow|cpu/)
  await expect(page.getByTestId('backend')).toContainText('+ onnxruntime (per model, faster one)')
  await expect(page.getByTestId('engine-backend')).not.toBeEmpty()
  await expect(page.getByTestId('engine-mode')).toContainText('whichever of onnxruntime and TF.js measured faster')
  // The trust model in view: where a client of this host may read and write.
  await expect(page.getByTestId('engine-access')).toContainText(`writes only under ${process.env.HFC_OUT_ROOT}`)
  await screenshot(page, 'engine')
})

test('the self-test runs with a visible progress bar and finishes', async ({ page }) => {
  await openApp(page)
  await page.getByTestId('selftest-iterations').fill('40')
  await page.getByTestId('selftest-run').click()
  const bar = page.getByTestId('job-progress').first()
  await expect(bar).toBeVisible()
  await expect(page.getByTestId('selftest-status')).toHaveText('passed', { timeout: 60_000 })
  await expect(page.getByTestId('selftest-result')).toContainText('40 products')
})

test('a running self-test can be cancelled from the status bar', async ({ page }) => {
  await openApp(page)
  await page.getByTestId('selftest-iterations').fill('5000')
  await page.getByTestId('selftest-run').click()
  await expect
    .poll(async () => Number(await page.getByTestId('job-progress').first().getAttribute('value')), { timeout: 30_000 })
    .toBeGreaterThan(2)
  await screenshot(page, 'selftest-running')
  await page.getByTestId('job-cancel').first().click()
  await expect(page.getByTestId('selftest-status')).toHaveText('cancelled')
})

test('requests without the token are refused', async ({ request }) => {
  const bare = await request.get(origin() + '/')
  expect(bare.status()).toBe(401)
  const wrong = await request.get(origin() + '/?token=deadbeef')
  expect(wrong.status()).toBe(401)
  const right = await request.get(hostUrl())
  expect(right.status()).toBe(200)
  expect(right.headers()['content-security-policy']).toContain("default-src 'self'")
})

test('a WebSocket without the token, or from another origin, is refused', async () => {
  const url = new URL(hostUrl())
  const token = url.searchParams.get('token')!
  const attempt = (query: string, originHeader: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://${url.host}/ws${query}`, { headers: { origin: originHeader } })
      ws.on('open', () => {
        ws.close()
        resolve('open')
      })
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)))
      ws.on('error', () => resolve('error'))
    })
  expect(await attempt('', origin())).toBe('401')
  expect(await attempt('?token=nope', origin())).toBe('401')
  expect(await attempt(`?token=${token}`, 'http://evil.example')).toBe('403')
  expect(await attempt(`?token=${token}`, origin())).toBe('open')
})
