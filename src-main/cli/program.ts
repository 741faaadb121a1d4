import { Command } from 'commander'
import { APP_VERSION } from '../engine/base/version'
import { registerAttacks } from './commands/attacks'
import { registerData } from './commands/data'
import { registerGallery } from './commands/gallery'
import { registerGrad } from './commands/grad'
import { registerHeatmap } from './commands/heatmap'
import { registerInfo } from './commands/info'
import { registerMerge } from './commands/merge'
import { registerModelExport } from './commands/model-export'
import { registerModels } from './commands/models'
import { registerReport } from './commands/report'
import { registerServe } from './commands/serve'
import { registerSpectral } from './commands/spectral'
import { addSpecFlags } from './specs'

export function buildProgram(): Command {
  const program = new Command()
    .name('hfc-lab')
    .description('HFC Lab: how much of a classifier rides on high-frequency image components (Wang et al., CVPR 2020)')
    .version(APP_VERSION)
    .option('--backend <name>', 'compute backend: tfjs-node-gpu, tfjs-node, wasm or cpu (env HFC_BACKEND); default: the first that loads')
    .option('--workers <n>', 'engine workers for batch jobs on wasm/cpu (default: one per core)')
  registerInfo(program)
  registerServe(program)
  registerData(program)
  registerSpectral(program)
  registerModels(program)
  registerModelExport(program)
  registerAttacks(program)
  registerGallery(program)
  registerGrad(program)
  registerHeatmap(program)
  registerMerge(program)
  registerReport(program)
  addSpecFlags(program)
  program.addHelpText(
    'after',
    '\nScaling out: eval, curve, attack, gallery, figure1, grad and heatmap take --shard I/N (or auto/N, auto: the index from\n' +
      'JOB_COMPLETION_INDEX of a Kubernetes Indexed Job, or SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT of a\n' +
      'Slurm job array) and --out for the shard folder; "hfc-lab merge DIR... --out DIR" puts the shards together.',
  )
  return program
}
