import { it } from 'vitest'
import { runGallery } from '../../../../src-main/engine/gallery'
import { silentContext } from '../../../../src-main/engine/job-context'
import { openFixture } from './gallery-fixture'
it('explore', async () => {
  const fx = await openFixture()
  const indices = Int32Array.from({ length: 64 }, (_, i) => i)
  const t0 = Date.now()
  const s = await runGallery({ model: fx.model, dataset: fx.dataset, indices, attacks: [{ id: 'hf', params: { rMin: 1 } }, { id: 'salt-pepper', params: { epsilons: 40, repetitions: 2 } }, { id: 'single-pixel', params: { maxPixels: 60 } }], batchSize: 64 }, silentContext())
  console.log(Date.now() - t0, 'ms')
  for (const r of s.rows) console.log(r.index, r.label, r.clean.label, Object.entries(r.attacks).map(([k, a]) => `${k}:${a.success ? 1 : 0}/${a.label}/${a.l2.toFixed(2)}/${a.queries}/${JSON.stringify(a.extra)}`).join(' '), r.allFooled)
}, 300000)
