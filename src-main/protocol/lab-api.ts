import type { Progress } from './messages'
import type { MethodName, Params, PartialOf, Result } from './methods'
import type { PrintedReport } from './report'

/** S: what the call streams (PartialOf its method); code that only forwards partials leaves it unknown. */
export interface CallOptions<S = unknown> {
  onProgress?(progress: Progress): void
  onPartial?(data: S): void
  signal?: AbortSignal
}

export type PathKind = 'file' | 'folder' | 'save-folder'

/** What the renderer, the CLI and tests program against; Electron, the browser host and in-process hosts implement it. */
export interface LabApi {
  call<M extends MethodName>(method: M, params: Params<M>, options?: CallOptions<PartialOf<M>>): Promise<Result<M>>
}

/** Events for one call, as a bridge delivers them. */
export type CallEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'partial'; data: unknown }
  | { type: 'result'; result: unknown }
  | { type: 'error'; error: { code: string; message: string; detail?: string } }
  | { type: 'cancelled' }

/**
 * The narrow capability object Electron's preload exposes as `window.lab` (and the WebSocket client
 * mirrors): start a call, cancel it, pick paths. No ipcRenderer, no Node.
 */
export interface LabBridge {
  readonly transport: 'electron' | 'web'
  start(method: string, params: unknown, onEvent: (event: CallEvent) => void): string
  cancel(id: string): void
  /** Native file dialog (Electron only); the browser host takes typed paths instead. */
  pickPath?(kind: PathKind): Promise<string | null>
  /** Path of a dropped File (Electron's webUtils.getPathForFile). */
  pathForFile?(file: File): string
  /** Electron only: report.pdf of a report folder the app wrote, through the app's own Chromium (printToPDF). */
  printReport?(out: string): Promise<PrintedReport>
}
