export type ResizeMode = 'fill' | 'contain' | 'cover' | 'torchvision'

/** Options for opening a data set; the image options only matter for image folders and single images. */
export interface OpenOptions {
  /** Height and width to bring every image to (image folders); default: the first readable image's size. */
  size?: [number, number]
  /** 1 (gray) or 3 (RGB) channels (image folders); default: the first readable image's. */
  channels?: 1 | 3
  /**
   * How an image of another size is fitted: stretch ('fill', default), letterbox ('contain'), crop
   * ('cover'), or torchvision's Resize(size·256/224) + CenterCrop(size) ('torchvision').
   */
  resize?: ResizeMode
  /** Which half to open when a folder holds both (IDX pairs, CIFAR batches); default 'test' when present. */
  split?: 'train' | 'test'
  /** CIFAR-100: label images by the 100 fine classes (default) or the 20 coarse superclasses. */
  labelSet?: 'fine' | 'coarse'
  /** Display name to report instead of the one derived from the file names. */
  name?: string
}
