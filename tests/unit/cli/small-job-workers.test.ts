import { describe, expect, it } from 'vitest'
import { SMALL_JOB_IMAGES, workersForImages } from '../../../src-main/cli/engine'

describe('workersForImages', () => {
  it('runs a job of a few images on one worker unless --workers says otherwise', () => {
    expect(workersForImages({}, 1).workers).toBe('1')
    expect(workersForImages({ backend: 'wasm' }, SMALL_JOB_IMAGES)).toEqual({ backend: 'wasm', workers: '1' })
    // More images, an unknown count (--indices, the whole set) or the user's own choice: left as given.
    expect(workersForImages({}, SMALL_JOB_IMAGES + 1).workers).toBeUndefined()
    expect(workersForImages({}, undefined).workers).toBeUndefined()
    expect(workersForImages({ workers: '2' }, 1).workers).toBe('2')
  })
})
