import type { Command } from 'commander'
import { EngineHost } from '../../engine/host'
import { parseBackendName } from '../../engine/backend'
import { startWebHost } from '../../web/server'

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the browser host on 127.0.0.1 and print its URL (with the per-run token)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .action(async (opts: { port: string }) => {
      const global = program.opts<{ backend?: string; workers?: string }>()
      const port = Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got "${opts.port}"`)
      const engine = await EngineHost.start({
        backend: parseBackendName(global.backend ?? process.env.HFC_BACKEND),
        workers: global.workers ? Number(global.workers) : undefined,
      })
      const web = await startWebHost(engine, { port, token: process.env.HFC_TOKEN || undefined })
      console.log(`HFC Lab is running at ${web.url}`)
      console.log(`backend: ${engine.backend.backend}; press Ctrl+C to stop`)
      // A close that fails still ends the process, saying why, instead of leaving it half-stopped.
      const stop = () => {
        web
          .close()
          .then(() => engine.close())
          .then(
            () => process.exit(0),
            (error: unknown) => {
              console.error(`hfc-lab serve: ${error instanceof Error ? error.message : String(error)}`)
              process.exit(1)
            },
          )
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
