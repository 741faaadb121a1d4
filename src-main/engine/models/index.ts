/**
 * Models: loaders for TF.js Layers/graph models and Keras .h5/.keras (listed in loaders/), the
 * classifier wrapper every attack and evaluation uses, D2 kernel surgery, the embedded defaults
 * and the architectures they are trained from.
 */
export type { Classifier, ModelInfo } from './classifier'
export type { LoadedModel } from './layers-classifier'
export type { OpenModelOptions } from './build-loaded-model'
export type { ModelFormat } from './model-format'
export { SUPPORTED_LAYERS } from './keras-config'
export { firstConvLayers, type ConvLayerInfo } from './conv-layers'
export { lowPassKernels, type LayerRadius } from './d2'
export type { D2Mode, KernelFilterOptions } from './kernel-filter'
export { inspectKernels, kernelReport } from './kernel-report'
export { DEFAULT_MODEL_RECIPES, MNIST_CLASSES, FASHION_MNIST_CLASSES, CIFAR10_CLASSES } from './default-recipes'
export { paperCnn, cifarCnn } from './architectures'
export { evaluateAccuracy } from './evaluate'
export { trainClassifier, type TrainOptions, type EpochReport } from './train'
export { saveLayersModel, type SaveLayersOptions } from './save-layers-model'
export type { LabelledImages } from './labelled-images'
