import type { Command } from 'commander'
import { EngineHost } from '../../engine/host'
import { parseBackendName } from '../../engine/backend'
import { startWebHost } from '../../web/server'

/** How long open connections and workers get to close before the host forces its exit. */
const STOP_GRACE_MS = 5000

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
      let stopping = false
      const stop = (signal: NodeJS.Signals) => {
        // A second Ctrl+C means "now": the user should never need kill -9.
        if (stopping) process.exit(1)
        stopping = true
        console.log(`${signal}: stopping HFC Lab`)
        // A file-system call stuck in the thread pool (a network mount that stopped answering) keeps
        // even process.exit from returning, since exit joins the pool's threads; only a kill ends it.
        setTimeout(() => {
          console.error(`HFC Lab did not stop within ${STOP_GRACE_MS / 1000} s; forcing it.`)
          process.kill(process.pid, 'SIGKILL')
        }, STOP_GRACE_MS).unref()
        void Promise.allSettled([web.close(), engine.close()]).then(() => process.exit(0))
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
}
