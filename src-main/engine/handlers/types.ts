import type { MethodName, ParsedParams, Result } from '../../protocol/methods'
import type { JobContext } from '../base/job-context'
import type { EngineState } from '../session/state'

export type Handler<M extends MethodName> = (params: ParsedParams<M>, ctx: JobContext, state: EngineState) => Promise<Result<M>>

export type HandlerTable = { [M in MethodName]?: Handler<M> }
