import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { EngineHost } from '../../../src-main/engine/runtime/host'
import { decodeFromJson } from '../../../src-main/protocol/codec'
import { startWebHost, type WebHost } from '../../../src-main/web/server'
import { RESOURCES } from '../paths'

type Reply = { type: string; id: string; result?: unknown; error?: { code: string; message: string } }

/**
 * The browser host's trust model, end to end over its WebSocket: a token holder reads only under
 * the roots, writes only under the out-root (links resolved first), and `force` replaces only
 * files of the kind the call writes.
 */
describe('browser host path policy', () => {
  let engine: EngineHost
  let web: WebHost
  let ws: WebSocket
  let base: string
  let root: string
  let outside: string
  let out: string
  let next = 0
  const replies = new Map<string, (reply: Reply) => void>()

  const call = (method: string, params: Record<string, unknown>): Promise<Reply> =>
    new Promise((resolve) => {
      const id = `c${++next}`
      replies.set(id, resolve)
      ws.send(JSON.stringify({ type: 'call', id, method, params }))
    })
  const codeOf = async (method: string, params: Record<string, unknown>) => (await call(method, params)).error?.code

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'hfc-policy-'))
    root = join(base, 'root')
    outside = join(base, 'outside')
    out = join(base, 'out')
    for (const dir of [root, outside, out]) mkdirSync(dir)
    cpSync(join(RESOURCES, 'datasets', 'mnist'), join(root, 'mnist'), { recursive: true })
    cpSync(join(RESOURCES, 'datasets', 'mnist'), join(outside, 'mnist'), { recursive: true })
    cpSync(join(RESOURCES, 'models', 'mnist'), join(outside, 'model'), { recursive: true })
    writeFileSync(join(outside, 'labels.txt'), 'secret\n')
    symlinkSync(outside, join(root, 'link'))
    symlinkSync(outside, join(out, 'escape'))
    writeFileSync(join(out, 'notes.txt'), 'the user wrote this')
    engine = await EngineHost.start({ backend: 'wasm', workers: 1 })
    web = await startWebHost(engine, { roots: [root], outRoot: out })
    ws = new WebSocket(`ws://127.0.0.1:${web.port}/ws?token=${web.token}`, { headers: { origin: `http://127.0.0.1:${web.port}` } })
    ws.on('message', (raw) => {
      const reply = decodeFromJson(JSON.parse(raw.toString())) as Reply
      if (reply.type === 'result' || reply.type === 'error') replies.get(reply.id)?.(reply)
    })
    await new Promise((resolve) => ws.once('open', resolve))
  })
  afterAll(async () => {
    ws.close()
    await web.close()
    await engine.close()
    rmSync(base, { recursive: true, force: true })
  })

  it('reads under a root and the embedded defaults, and reports its access in engine.info', async () => {
    expect((await call('data.open', { path: join(root, 'mnist') })).type).toBe('result')
    expect((await call('data.open', { defaultId: 'fashion-mnist' })).type).toBe('result')
    expect((await call('model.open', { path: join(RESOURCES, 'models', 'mnist', 'model.json') })).type).toBe('result')
    const info = (await call('engine.info', {})).result as { access: { roots: string[]; outRoot: string } }
    expect(info.access.roots).toContain(root)
    expect(info.access.outRoot).toBe(out)
  })

  it('refuses reads outside the roots, however the path is written', async () => {
    expect(await codeOf('data.open', { path: join(outside, 'mnist') })).toBe('PATH_OUTSIDE_ROOTS')
    expect(await codeOf('data.open', { path: join(root, '..', 'outside', 'mnist') })).toBe('PATH_OUTSIDE_ROOTS')
    expect(await codeOf('data.open', { path: relative(process.cwd(), join(outside, 'labels.txt')) })).toBe('PATH_OUTSIDE_ROOTS')
    expect(await codeOf('model.open', { path: join(outside, 'model', 'model.json') })).toBe('PATH_OUTSIDE_ROOTS')
    const refused = await call('data.open', { path: '/etc' })
    expect(refused.error?.code).toBe('PATH_OUTSIDE_ROOTS')
    expect(refused.error?.message).toContain('--root')
  })

  it('checks every path of a list: a shard merge may not read a folder outside the roots', async () => {
    const dirs = [join(root, 'mnist'), join(outside, 'mnist')]
    expect(await codeOf('shard.merge', { dirs, out: join(out, 'merged') })).toBe('PATH_OUTSIDE_ROOTS')
    expect(await codeOf('shard.status', { out: join(outside, 'mnist') })).toBe('PATH_OUTSIDE_ROOTS')
    expect(await codeOf('shard.merge', { dirs: [join(root, 'mnist')], out: join(outside, 'merged') })).toBe('PATH_OUTSIDE_OUT_ROOT')
  })

  it('refuses a symlink under a root that leads outside it', async () => {
    expect(await codeOf('data.open', { path: join(root, 'link', 'mnist') })).toBe('PATH_OUTSIDE_ROOTS')
    expect(await codeOf('model.open', { path: join(root, 'link', 'model', 'model.json') })).toBe('PATH_OUTSIDE_ROOTS')
  })

  it('writes only under the out-root, links resolved first', async () => {
    const data = (await call('data.open', { path: join(root, 'mnist') })).result as { id: string }
    expect(await codeOf('data.export', { datasetId: data.id, indices: '0-2', out: join(outside, 'pngs') })).toBe('PATH_OUTSIDE_OUT_ROOT')
    expect(await codeOf('data.export', { datasetId: data.id, indices: '0-2', out: join(root, 'pngs') })).toBe('PATH_OUTSIDE_OUT_ROOT')
    expect(await codeOf('data.export', { datasetId: data.id, indices: '0-2', out: join(out, 'escape', 'pngs') })).toBe(
      'PATH_OUTSIDE_OUT_ROOT',
    )
    expect(await codeOf('spectral.export', { datasetId: data.id, indices: '0', radius: 4, out: join(outside, 'x') })).toBe(
      'PATH_OUTSIDE_OUT_ROOT',
    )
    expect(existsSync(join(outside, 'pngs'))).toBe(false)
    const written = await call('data.export', { datasetId: data.id, indices: '0-2', out: join(out, 'pngs') })
    expect((written.result as { written: number }).written).toBe(3)
    expect(readdirSync(join(out, 'pngs')).filter((f) => f.endsWith('.png'))).toHaveLength(3)
  })

  it('replaces with force only a file of the kind the call writes', async () => {
    const model = (await call('model.open', { defaultId: 'mnist' })).result as { id: string }
    expect(await codeOf('model.export', { modelId: model.id, format: 'onnx', out: join(out, 'notes.txt'), force: true })).toBe(
      'OVERWRITE_REFUSED',
    )
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('the user wrote this')
    expect(await codeOf('model.export', { modelId: model.id, format: 'onnx', out: join(outside, 'm.onnx') })).toBe('PATH_OUTSIDE_OUT_ROOT')
    expect((await call('model.export', { modelId: model.id, format: 'onnx', out: join(out, 'm.onnx') })).type).toBe('result')
    expect((await call('model.export', { modelId: model.id, format: 'onnx', out: join(out, 'm.onnx'), force: true })).type).toBe('result')
    expect(existsSync(join(outside, 'm.onnx'))).toBe(false)
  })
})

describe('browser host token', () => {
  it('refuses a token under 128 bits or with characters a URL would change, with a named error', async () => {
    const engine = { call: async () => ({}) } as never
    await expect(startWebHost(engine, { token: 'a' })).rejects.toMatchObject({ code: 'WEAK_TOKEN' })
    await expect(startWebHost(engine, { token: 'f'.repeat(31) })).rejects.toMatchObject({ code: 'WEAK_TOKEN' })
    await expect(startWebHost(engine, { token: `${'f'.repeat(32)}&x=1` })).rejects.toMatchObject({ code: 'WEAK_TOKEN' })
    const web = await startWebHost(engine, { token: 'f'.repeat(32) })
    expect(web.url).toContain(`token=${'f'.repeat(32)}`)
    await web.close()
  })
})
