export * from './attacks'
export * from './codec'
export * from './data'
export * from './define'
export * from './engine'
export * from './errors'
export {
  galleryMethods,
  galleryAttackSchema,
  type GalleryExportSummary,
  type GallerySummary,
  type GalleryRow,
  type GalleryRowsPartial,
} from './gallery'
export * from './heatmap'
export * from './lab-api'
export * from './messages'
export * from './models'
export * from './paths'
export * from './report'
export * from './spectral'
export * from './shards'
export * from './summaries'
export * from './gallery-manifest'
export * from './methods'
