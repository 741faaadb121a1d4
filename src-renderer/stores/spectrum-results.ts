import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { Figure1Result, MaskChoice, RadiusCurve, SvdControlResult } from '../../src-main/protocol/spectral'
import { useResultScope } from './result-scope'

/** The Spectrum view's inputs and its Figure-1, accuracy-versus-radius and SVD results. */
export const useSpectrumResults = defineStore('spectrum-results', () => {
  const selected = ref(0)
  /** The radius and mask the decomposition panel shows (its slider), apart from the search radius. */
  const viewRadius = ref(8)
  const viewMask = ref<Required<MaskChoice>>({ kind: 'circle', rule: 'strict' })
  const radius = ref(8)
  const limit = ref(1000)
  const figure1 = ref<Figure1Result | null>(null)
  const figure1Live = ref<{ total: number; counts: Figure1Result['counts'] } | null>(null)
  const curve = ref<RadiusCurve | null>(null)
  /** The curve covers only the images done when the analyst cancelled it. */
  const curveCancelled = ref(false)
  /** How many images the accuracy-versus-radius run was asked for, to say how far a cancelled one got. */
  const curveTarget = ref(0)
  const svd = ref<SvdControlResult | null>(null)
  const error = ref('')

  const scope = useResultScope()
  watch(scope, () => {
    figure1.value = null
    figure1Live.value = null
    curve.value = null
    curveCancelled.value = false
    svd.value = null
    error.value = ''
  })

  return { selected, viewRadius, viewMask, radius, limit, figure1, figure1Live, curve, curveCancelled, curveTarget, svd, error, scope }
})
