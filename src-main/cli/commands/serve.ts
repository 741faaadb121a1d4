import type { Command } from 'commander'
import { EngineHost } from '../../engine/runtime/host'
import { parseBackendName } from '../../engine/compute/backend-names'
import { checkToken } from '../../web/security'
import { startWebHost } from '../../web/server'

/** How long open connections and workers get to close before the host forces its exit. */
const STOP_GRACE_MS = 5000

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the browser host on 127.0.0.1 and print its URL (with the per-run token)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option(
      '--root <dir>',
      'folder whose files clients may read (repeatable; default: the current folder); the embedded defaults are always readable',
      (dir: string, roots: string[]) => [...roots, dir],
      [] as string[],
    )
    .option('--out-root <dir>', 'folder every export is written under (default: ./hfc-lab-output)')
    .addHelpText(
      'after',
      '\nAnyone with the token acts as you, within these folders: reads under the roots and the out-root,\n' +
        'writes under the out-root only (links resolved first). HFC_TOKEN sets the token: 32 or more\n' +
        'characters of A-Z a-z 0-9 - _ (e.g. "openssl rand -hex 16"); default: a random one per run.',
    )
    .action(async (opts: { port: string; root: string[]; outRoot?: string }) => {
      const global = program.opts<{ backend?: string; workers?: string }>()
      const port = Number(opts.port)
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got "${opts.port}"`)
      const token = process.env.HFC_TOKEN || undefined
      if (token !== undefined) checkToken(token)
      const engine = await EngineHost.start({
        backend: parseBackendName(global.backend ?? process.env.HFC_BACKEND),
        workers: global.workers ? Number(global.workers) : undefined,
      })
      const web = await startWebHost(engine, { port, token, roots: opts.root, outRoot: opts.outRoot }).catch(async (error: unknown) => {
        await engine.close()
        throw error
      })
      console.log(`HFC Lab is running at ${web.url}`)
      console.log(`reads under: ${web.access.roots.join(', ')}; writes under: ${web.access.outRoot}`)
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
        // A close that fails still ends the process, saying why, instead of leaving it half-stopped.
        void Promise.allSettled([web.close(), engine.close()]).then((closed) => {
          const failed = closed.find((c): c is PromiseRejectedResult => c.status === 'rejected')
          if (failed) console.error(`hfc-lab serve: ${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}`)
          process.exit(failed ? 1 : 0)
        })
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
}
