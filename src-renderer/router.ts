import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import AttacksView from './views/AttacksView.vue'
import DataView from './views/DataView.vue'
import EngineView from './views/EngineView.vue'
import FourierView from './views/FourierView.vue'
import GalleryView from './views/GalleryView.vue'
import HistoryView from './views/HistoryView.vue'
import KernelsView from './views/KernelsView.vue'
import ModelView from './views/ModelView.vue'
import ReportView from './views/ReportView.vue'
import SpectrumView from './views/SpectrumView.vue'

/** Views in navigation order; meta.label puts a view in the navigation. */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/data' },
  { path: '/data', name: 'data', component: DataView, meta: { label: 'Data' } },
  { path: '/spectrum', name: 'spectrum', component: SpectrumView, meta: { label: 'Spectrum' } },
  { path: '/fourier', name: 'fourier', component: FourierView, meta: { label: 'Fourier' } },
  { path: '/model', name: 'model', component: ModelView, meta: { label: 'Model' } },
  { path: '/kernels', name: 'kernels', component: KernelsView, meta: { label: 'Kernels (D2)' } },
  { path: '/attacks', name: 'attacks', component: AttacksView, meta: { label: 'Attacks' } },
  { path: '/gallery', name: 'gallery', component: GalleryView, meta: { label: 'Gallery' } },
  { path: '/history', name: 'history', component: HistoryView, meta: { label: 'History' } },
  { path: '/report', name: 'report', component: ReportView, meta: { label: 'Report' } },
  { path: '/engine', name: 'engine', component: EngineView, meta: { label: 'Engine' } },
]

export const router = createRouter({ history: createWebHashHistory(), routes })
