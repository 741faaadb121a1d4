import { it } from 'vitest'
import { trainedMnistClassifier, mnistTestBatch } from './mnist-classifier'
import { runAttack } from '../../../../src-main/engine/attacks'
import { silentContext } from '../../../../src-main/engine/job-context'
const med = (a: Float32Array) => { const s = Array.from(a).sort((x, y) => x - y); return s.length ? s[Math.floor(s.length / 2)] : NaN }
it('attacks', async () => {
  const m = await trainedMnistClassifier()
  const { images, labels } = mnistTestBatch(16)
  for (const [id, params] of [['hf', {}], ['fgsm', {}], ['fgsm', { mode: 'fixed', epsilon: 0.2 }], ['pgd', {}], ['pgd', { norm: 'l2' }], ['deepfool', {}], ['cw', { maxIterations: 100, learningRate: 0.05 }], ['cw', { maxIterations: 300 }], ['single-pixel', {}], ['salt-pepper', {}]] as const) {
    const t0 = Date.now()
    const r = await runAttack(id, m, images, labels, params as Record<string, unknown>, silentContext())
    const succ = Array.from(r.success)
    const l2s = r.distanceL2.filter((_, i) => r.success[i] === 1)
    console.log(id, JSON.stringify(params), 'ms', Date.now() - t0, 'succ', succ.reduce((a, b) => a + b, 0), 'medL2', med(l2s).toFixed(3), 'maxLinf', Math.max(...r.distanceLinf).toFixed(4), 'q', Array.from(r.queries).slice(0, 6).join(','), r.extra ? Object.entries(r.extra).map(([k, v]) => k + ':' + Array.from(v).slice(0, 6).map((x) => Number(x).toFixed(3)).join(',')).join(' ') : '')
  }
})
