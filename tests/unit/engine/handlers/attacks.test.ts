import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { withD1 } from '../../../../src-main/engine/eval'
import { predictLabels } from '../../../../src-main/engine/scoring'
import { attackHandlers } from '../../../../src-main/engine/handlers/attacks'
import { dataHandlers } from '../../../../src-main/engine/handlers/data'
import { modelHandlers } from '../../../../src-main/engine/handlers/models'
import { silentContext } from '../../../../src-main/engine/base/job-context'
import { getModel } from '../../../../src-main/engine/session/lookup'
import { createState } from '../../../../src-main/engine/session/state'
import type { ParsedParams } from '../../../../src-main/protocol/methods'

describe('attack.examples', () => {
  it("gives each example the scored model's label on the adversarial: the D1 model's own prediction for a D1 curve", async () => {
    const state = createState({ backend: 'wasm', forward: 'tfjs', attempts: [], singleWorker: false }, 0, 1)
    const ctx = silentContext()
    const data = await dataHandlers['data.open']!({ defaultId: 'mnist' } as ParsedParams<'data.open'>, ctx, state)
    const model = await modelHandlers['model.open']!({ defaultId: 'mnist' } as ParsedParams<'model.open'>, ctx, state)
    const run = await attackHandlers['attack.curve']!(
      {
        modelId: model.id,
        datasetId: data.id,
        attacks: [{ id: 'fgsm', params: {} }],
        defenses: [{ kind: 'none' }, { kind: 'd1', radius: 4, mask: {} }],
        protocols: ['transfer'],
        norm: 'linf',
        points: 101,
        batchSize: 64,
        limit: 8,
      } as ParsedParams<'attack.curve'>,
      ctx,
      state,
    )
    expect(run.entries.map((e) => e.defense)).toEqual(['none', 'd1:4'])
    const [h, w, c] = data.info.shape
    const scoredBy = [getModel(state, model.id), withD1(getModel(state, model.id), 4)]
    let rows = 0
    for (const entry of [0, 1]) {
      const examples = await attackHandlers['attack.examples']!({ runId: run.runId, entry, eps: 1, max: 16 }, ctx, state)
      // Every example is one the scored model gets wrong: the wrong label is the one it predicts.
      expect(examples.rows.length).toBe(run.entries[entry].curve.adversarialCorrect.filter((v) => v === 0).length)
      for (const row of examples.rows) {
        const independent = await predictLabels(scoredBy[entry], tf.tensor4d(row.adversarial, [1, h, w, c]))
        expect(row.predicted).toBe(independent[0])
        expect(row.predicted).not.toBe(row.label)
        rows++
      }
    }
    expect(rows).toBeGreaterThan(0)
  })
})
