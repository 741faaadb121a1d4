import * as tf from '@tensorflow/tfjs-core'
import { scalar } from '../const-tensor'
import type { OpSpec, Params } from '../op-spec'
import { need, num, optionalNum, sameOp } from './common'

/** An element-wise op of one input with no parameters. */
function unary(op: string, f: (x: tf.Tensor) => tf.Tensor): OpSpec {
  return { layout: 'follow', canonical: () => ({}), run: (inputs) => [f(need(inputs, 0))], emit: sameOp(op) }
}

function hardSigmoid(x: tf.Tensor, alpha: number, beta: number): tf.Tensor {
  return tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1)
}

function clip(x: tf.Tensor, lo: number | null, hi: number | null): tf.Tensor {
  const low = lo === null ? x : tf.maximum(x, lo)
  return hi === null ? low : tf.minimum(low, hi)
}

const clipSpec: OpSpec = {
  paramInputs: [1, 2],
  layout: 'follow',
  canonical: (r) => {
    if (r.opset < 11) {
      const min = r.float('min', -Infinity)
      const max = r.float('max', Infinity)
      return { min: Number.isFinite(min) ? min : null, max: Number.isFinite(max) ? max : null }
    }
    const min = r.constantNumbers(1)?.[0]
    const max = r.constantNumbers(2)?.[0]
    return { min: min === undefined || !Number.isFinite(min) ? null : min, max: max === undefined || !Number.isFinite(max) ? null : max }
  },
  run: (inputs, p) => [clip(need(inputs, 0), optionalNum(p, 'min'), optionalNum(p, 'max'))],
  emit: (b, inputs, p) => {
    const bound = (key: string) => {
      const v = optionalNum(p, key)
      return v === null ? '' : b.constant(scalar('float', v))
    }
    return b.node('Clip', [inputs[0], bound('min'), bound('max')])
  },
}

/** Dropout and Identity are the identity at inference; a Dropout mask output is all true. */
function passThrough(op: 'Dropout' | 'Identity'): OpSpec {
  return {
    paramInputs: op === 'Dropout' ? [1, 2] : [],
    layout: 'follow',
    canonical: (r) => {
      if (op === 'Dropout' && r.opset >= 12 && r.present(2) && (r.constantNumbers(2)?.[0] ?? 0) !== 0) {
        throw r.unsupported('runs in training mode')
      }
      return { outputs: r.node.outputs.length }
    },
    run: (inputs, p) => {
      const x = need(inputs, 0)
      return num(p, 'outputs') > 1 ? [tf.clone(x), tf.cast(tf.onesLike(x), 'bool')] : [tf.clone(x)]
    },
    emit: (b, inputs) => b.node('Identity', [inputs[0]]),
  }
}

function geluErf(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))))
}

function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)))
}

export const ACTIVATION_OPS: Record<string, OpSpec> = {
  Relu: unary('Relu', tf.relu),
  Sigmoid: unary('Sigmoid', tf.sigmoid),
  Tanh: unary('Tanh', tf.tanh),
  Exp: unary('Exp', tf.exp),
  Log: unary('Log', tf.log),
  Sqrt: unary('Sqrt', tf.sqrt),
  Neg: unary('Neg', tf.neg),
  Abs: unary('Abs', tf.abs),
  Reciprocal: unary('Reciprocal', tf.reciprocal),
  Erf: unary('Erf', tf.erf),
  Floor: unary('Floor', tf.floor),
  Ceil: unary('Ceil', tf.ceil),
  Softplus: unary('Softplus', tf.softplus),
  Softsign: unary('Softsign', (x) => tf.div(x, tf.add(1, tf.abs(x)))),
  HardSwish: unary('HardSwish', (x) => tf.mul(x, hardSigmoid(x, 1 / 6, 0.5))),
  LeakyRelu: {
    layout: 'follow',
    canonical: (r) => ({ alpha: r.float('alpha', 0.01) }),
    run: (inputs, p) => [tf.leakyRelu(need(inputs, 0), num(p, 'alpha'))],
    emit: sameOp('LeakyRelu', (p) => ({ alpha: num(p, 'alpha') })),
  },
  Elu: {
    layout: 'follow',
    canonical: (r) => ({ alpha: r.float('alpha', 1) }),
    // Written without tf.where: TF.js has no gradient for the comparison it would need.
    run: (inputs, p) => {
      const x = need(inputs, 0)
      return [tf.add(tf.relu(x), tf.mul(num(p, 'alpha'), tf.sub(tf.exp(tf.minimum(x, 0)), 1)))]
    },
    emit: sameOp('Elu', (p) => ({ alpha: num(p, 'alpha') })),
  },
  Selu: {
    layout: 'follow',
    canonical: (r) => ({ alpha: r.float('alpha', 1.67326319217681884765625), gamma: r.float('gamma', 1.05070102214813232421875) }),
    run: (inputs, p) => {
      const x = need(inputs, 0)
      const negative = tf.mul(num(p, 'alpha'), tf.sub(tf.exp(tf.minimum(x, 0)), 1))
      return [tf.mul(num(p, 'gamma'), tf.add(tf.relu(x), negative))]
    },
    emit: sameOp('Selu', (p) => ({ alpha: num(p, 'alpha'), gamma: num(p, 'gamma') })),
  },
  HardSigmoid: {
    layout: 'follow',
    canonical: (r) => ({ alpha: r.float('alpha', 0.2), beta: r.float('beta', 0.5) }),
    run: (inputs, p) => [hardSigmoid(need(inputs, 0), num(p, 'alpha'), num(p, 'beta'))],
    emit: sameOp('HardSigmoid', (p) => ({ alpha: num(p, 'alpha'), beta: num(p, 'beta') })),
  },
  Gelu: {
    layout: 'follow',
    canonical: (r) => ({ approximate: r.string('approximate', 'none') }),
    run: (inputs, p: Params) => [p.approximate === 'tanh' ? geluTanh(need(inputs, 0)) : geluErf(need(inputs, 0))],
    emit: (b, inputs, p) => {
      // Gelu is opset 20; written out as its definition so the export stays at opset 17.
      const x = inputs[0]
      const half = b.constant(scalar('float', 0.5))
      const one = b.constant(scalar('float', 1))
      let inner: string
      if (p.approximate === 'tanh') {
        const cubed = b.node('Mul', [b.node('Mul', [x, x])[0], x])[0]
        const poly = b.node('Add', [x, b.node('Mul', [cubed, b.constant(scalar('float', 0.044715))])[0]])[0]
        inner = b.node('Tanh', [b.node('Mul', [poly, b.constant(scalar('float', Math.sqrt(2 / Math.PI)))])[0]])[0]
      } else {
        inner = b.node('Erf', [b.node('Mul', [x, b.constant(scalar('float', Math.SQRT1_2))])[0]])[0]
      }
      return b.node('Mul', [b.node('Mul', [x, half])[0], b.node('Add', [inner, one])[0]])
    },
  },
  Clip: clipSpec,
  Dropout: passThrough('Dropout'),
  Identity: passThrough('Identity'),
}
