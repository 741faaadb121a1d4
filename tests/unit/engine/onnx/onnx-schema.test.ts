import { join } from 'node:path'
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { ONNX_SCHEMA_JSON } from '../../../../src-main/engine/onnx/onnx-proto'
import { REPO } from '../../paths'

describe('the bundled ONNX schema', () => {
  it('is exactly what onnx.proto beside it defines', () => {
    const fromProto = protobuf.loadSync(join(REPO, 'src-main', 'engine', 'onnx', 'onnx.proto')).toJSON()
    expect(JSON.parse(JSON.stringify(fromProto))).toEqual(ONNX_SCHEMA_JSON)
  })
})
