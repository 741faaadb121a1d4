import { buildProgram } from './program'
import { reportError } from './engine'

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => reportError(error))
