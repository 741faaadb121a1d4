import type { PerturbationSpectra } from '../../protocol/attacks'

/** What every attack returns, per sample of the batch it was given. */
export interface AttackResult {
  /** NHWC float32 in [0, 1]; equals the clean image where the attack failed. */
  adversarial: Float32Array
  /** 1 where `adversarial` passes the success rule (margin < −MARGIN_TAU), re-checked on the returned image. */
  success: Uint8Array
  /** z_y − max_{j≠y} z_j of the model on `adversarial` (on the clean image where the attack failed). */
  margin: Float32Array
  /** ‖adversarial − clean‖₂ on the [0, 1] pixel scale, recomputed from the returned images. */
  distanceL2: Float32Array
  /** ‖adversarial − clean‖∞ on the [0, 1] pixel scale, recomputed from the returned images. */
  distanceLinf: Float32Array
  /** Model evaluations (forward or gradient) the sequential Foolbox algorithm spends on the sample. */
  queries: Int32Array
  /** Radial energy profile of adversarial − clean per sample, measured on the returned images. */
  spectrum: PerturbationSpectra
  /** Attack-specific per-sample values (e.g. the HF radius, the FGSM epsilon). */
  extra?: Record<string, Float32Array | Int32Array>
}

/** Run-time options every attack accepts besides its own parameters. */
export interface AttackRunOptions {
  /**
   * Global index of each sample in the run (default 0..N-1). Random streams are derived from
   * (seed, sample id), so a sample's result does not depend on the batch it was put in.
   */
  sampleIds?: ArrayLike<number>
}
