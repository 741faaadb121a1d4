import { describe, expect, it } from 'vitest'
import { chooseBackend } from '../../../../src-main/engine/compute/backend'
import { cudaProviderInstalled } from '../../../../src-main/engine/onnx/ort-session'
import { EngineHost } from '../../../../src-main/engine/runtime/host'

describe('engine mode', () => {
  it('with no request, lets each model run on whichever engine measures faster, onnxruntime-node being installed', async () => {
    const choice = await chooseBackend()
    expect(choice.forward).toBe('auto')
    const ort = choice.attempts.find((a) => a.name === 'onnxruntime')
    expect(ort).toMatchObject({ ok: true })
    expect(ort!.reason).toContain('whichever of onnxruntime and TF.js measures faster')
    // npm ships no CUDA provider, and CI installs with ONNXRUNTIME_NODE_INSTALL=skip.
    expect(cudaProviderInstalled()).toBe(false)
    expect(ort!.reason).toContain('CPU only: its CUDA provider is not installed')
  })

  it('a named TF.js backend means TF.js only; onnxruntime forced means one worker', async () => {
    expect((await chooseBackend('wasm')).forward).toBe('tfjs')
    const forced = await chooseBackend('onnxruntime')
    expect(forced).toMatchObject({ forward: 'onnxruntime', singleWorker: true })
  })

  it('gives every worker of a pool the first worker’s mode, and each model the measured engines', async () => {
    const host = await EngineHost.start({ workers: 2 })
    try {
      expect((await host.call('engine.info', {})).forward).toBe('auto')
      const { info } = await host.call('model.open', { defaultId: 'mnist' })
      expect(info.engine.reason).toMatch(/^measured: forward of 32: onnxruntime/)
    } finally {
      await host.close()
    }
  })
})
