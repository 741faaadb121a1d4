import type { HostMethodName, JobPartialOf, MethodName, ParsedParams, Result } from '../../protocol/methods'
import type { HostFields } from '../../protocol/selection'
import type { JobContext } from '../base/job-context'
import type { EngineState } from '../session/state'

/** A method's handler: its validated params, plus what the host adds when it spreads the call over the pool. */
export type Handler<M extends MethodName> = (
  params: ParsedParams<M> & HostFields,
  ctx: JobContext<JobPartialOf<M>>,
  state: EngineState,
) => Promise<Result<M>>

/** One domain's handlers. */
export type HandlerTable = { [M in MethodName]?: Handler<M> }

/** The worker's table: one handler for every method of the protocol that the host does not run itself. */
export type CompleteHandlerTable = { [M in Exclude<MethodName, HostMethodName>]: Handler<M> }
