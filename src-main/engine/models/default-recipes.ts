import type * as tfl from '@tensorflow/tfjs-layers'
import { cifarCnn, paperCnn } from './architectures'

export interface DataSource {
  path: string
  split: 'train' | 'test'
  archive?: string
}

/** How each embedded default model is trained (scripts/train-defaults.ts); the saved model records it. */
export interface DefaultModelRecipe {
  id: string
  description: string
  /** Folders under shared/data, and which split of each; `archive` is a .tar.gz under shared/data
   * that holds `path` and is unpacked to a scratch folder first. */
  train: DataSource
  test: DataSource
  classes: string[]
  architectureName: string
  architecture: (shape: [number, number, number], classes: number, seed: number) => tfl.LayersModel
  epochs: number
  batchSize: number
  learningRate: number
  learningRateDecay: number
  maxShift: number
  /** Random left–right mirroring (photos only). */
  flip?: boolean
  seed: number
  /** Test accuracy the trained model must reach. */
  floor: number
}

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']

export const DEFAULT_MODEL_RECIPES: DefaultModelRecipe[] = [
  {
    id: 'mnist',
    description: "The paper's five-layer CNN trained on 10,000 MNIST training digits",
    train: { path: 'mnist-train-10k', split: 'train' },
    test: { path: 'mnist', split: 'test' },
    classes: MNIST_CLASSES,
    architectureName: 'paper CNN, docs/algorithms.md §Models',
    architecture: paperCnn,
    epochs: 15,
    batchSize: 128,
    learningRate: 1e-3,
    learningRateDecay: 0.85,
    maxShift: 2,
    seed: 1,
    floor: 0.985,
  },
  {
    id: 'fashion-mnist',
    description: "The paper's five-layer CNN trained on Fashion-MNIST",
    train: { path: 'fashion-mnist', split: 'train' },
    test: { path: 'fashion-mnist', split: 'test' },
    classes: FASHION_MNIST_CLASSES,
    architectureName: 'paper CNN, docs/algorithms.md §Models',
    architecture: paperCnn,
    epochs: 8,
    batchSize: 128,
    learningRate: 1e-3,
    learningRateDecay: 0.8,
    maxShift: 0,
    seed: 1,
    floor: 0.89,
  },
  {
    id: 'cifar10',
    description: 'A small three-conv CNN trained on CIFAR-10 (JPEG copies)',
    train: { path: 'train', split: 'train', archive: 'cifar10/train.tar.gz' },
    test: { path: 'cifar10/test', split: 'test' },
    classes: CIFAR10_CLASSES,
    architectureName: 'small CIFAR CNN (3 conv)',
    architecture: cifarCnn,
    epochs: 18,
    batchSize: 128,
    learningRate: 1e-3,
    learningRateDecay: 0.85,
    maxShift: 2,
    flip: true,
    seed: 1,
    floor: 0.7,
  },
]
