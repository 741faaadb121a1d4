import { describe, expect, expectTypeOf, it } from 'vitest'
import type { CurveEntryPartial } from '../../../src-main/protocol/attacks'
import { isPooledPartial, type PooledPartial } from '../../../src-main/protocol/define'
import type { GalleryRowsPartial } from '../../../src-main/protocol/gallery'
import type { CallOptions, LabApi } from '../../../src-main/protocol/lab-api'
import type { JobPartialOf, MethodName, PartialOf } from '../../../src-main/protocol/methods'
import type { ReportPartial } from '../../../src-main/protocol/report'
import type { Figure1Partial, RadiusCurve } from '../../../src-main/protocol/spectral'

declare const _api: LabApi
/** The options LabApi.call takes for method M (a type only: `_api` exists for the type checker). */
type OptionsOf<M extends MethodName> = Parameters<typeof _api.call<M>>[2]

/** Streamed partials are part of each method's definition: tsc checks these lines as it checks the tests. */
describe('typed partials', () => {
  it('gives every streaming method its partial type, and never to one that streams nothing', () => {
    expectTypeOf<PartialOf<'spectral.figure1'>>().toEqualTypeOf<Figure1Partial | PooledPartial<Figure1Partial>>()
    expectTypeOf<PartialOf<'spectral.radiusCurve'>>().toEqualTypeOf<RadiusCurve | PooledPartial<RadiusCurve>>()
    expectTypeOf<PartialOf<'attack.curve'>>().toEqualTypeOf<CurveEntryPartial>()
    expectTypeOf<PartialOf<'gallery.run'>>().toEqualTypeOf<GalleryRowsPartial>()
    expectTypeOf<PartialOf<'gallery.export'>>().toEqualTypeOf<GalleryRowsPartial>()
    expectTypeOf<PartialOf<'report.run'>>().toEqualTypeOf<ReportPartial>()
    expectTypeOf<PartialOf<'report.shard'>>().toEqualTypeOf<ReportPartial>()
    expectTypeOf<PartialOf<'model.predict'>>().toBeNever()
    expectTypeOf<PartialOf<'attack.run'>>().toBeNever()
    expectTypeOf<PartialOf<'data.open'>>().toBeNever()
  })

  it("gives a job's own stream (one worker's) without the pool's wrapper", () => {
    expectTypeOf<JobPartialOf<'spectral.figure1'>>().toEqualTypeOf<Figure1Partial>()
    expectTypeOf<JobPartialOf<'attack.curve'>>().toEqualTypeOf<CurveEntryPartial>()
    expectTypeOf<JobPartialOf<'model.evaluate'>>().toBeNever()
  })

  it("hands LabApi.call's onPartial the method's partial type", () => {
    expectTypeOf<OptionsOf<'report.run'>>().toEqualTypeOf<CallOptions<ReportPartial> | undefined>()
    expectTypeOf<OptionsOf<'spectral.figure1'>>().toEqualTypeOf<CallOptions<Figure1Partial | PooledPartial<Figure1Partial>> | undefined>()
  })

  it('tells a pooled partial from the partial of a job that ran on one worker', () => {
    const data: Figure1Partial = { total: 3, counts: { clean: 3, low: 1, high: 2, highOnly: 1, lowOnly: 0 } }
    expect(isPooledPartial<Figure1Partial>({ worker: 1, workers: 2, data })).toBe(true)
    expect(isPooledPartial<Figure1Partial>(data)).toBe(false)
    expect(isPooledPartial<RadiusCurve>({ radii: [1], low: [0], high: [0], clean: 1, n: 1 })).toBe(false)
  })
})
