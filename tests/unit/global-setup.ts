import { HAS_DATA, HAS_FIXTURES, SHARED_DATA, SHARED_FIXTURES } from './paths'

// Said once per run, before the file list, so a fresh clone knows why some tests were skipped.
export function setup(): void {
  if (!HAS_DATA) {
    console.warn(
      `[hfc-lab tests] Skipping the tests that need the large data sets: ${SHARED_DATA} lacks mnist/, mnist-train-10k/, fashion-mnist/, cifar10/test/ or samples/. Set HFC_DATA_DIR to the folder that holds them.`,
    )
  }
  if (!HAS_FIXTURES) {
    console.warn(
      `[hfc-lab tests] Skipping the third-party Keras model tests: ${SHARED_FIXTURES} has no keras/ folder. Set HFC_FIXTURES_DIR to the folder that holds it.`,
    )
  }
}
