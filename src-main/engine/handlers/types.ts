import type { HostMethodName, MethodName, ParsedParams, Result } from '../../protocol/methods'
import type { JobContext } from '../base/job-context'
import type { EngineState } from '../session/state'

export type Handler<M extends MethodName> = (params: ParsedParams<M>, ctx: JobContext, state: EngineState) => Promise<Result<M>>

/** One domain's handlers. */
export type HandlerTable = { [M in MethodName]?: Handler<M> }

/** The worker's table: one handler for every method of the protocol that the host does not run itself. */
export type CompleteHandlerTable = { [M in Exclude<MethodName, HostMethodName>]: Handler<M> }
