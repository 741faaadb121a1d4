import { fileURLToPath } from 'node:url'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'
import layers from './eslint.layers.js'

const ROOT = fileURLToPath(new URL('.', import.meta.url))
const engine = (...paths) => paths.map((p) => `src-main/engine/${p}`)

// The engine's layers, lowest first: a layer imports only the layers below it.
const ENGINE_LAYERS = [
  // Small utilities every layer uses: the named error, seeded randomness, cancel flag, job context, input limits.
  ['engine/base', engine('base/')],
  // TF.js op implementations the engine registers on the wasm backend (tfjs-core calls them kernels;
  // here "kernel" means a convolution filter).
  ['engine/ops', engine('ops/')],
  ['engine/spectral', engine('spectral/')],
  ['engine/data', engine('data/')],
  ['engine/export', engine('export/')],
  ['engine/models', engine('models/')],
  ['engine/onnx', engine('onnx/')],
  // Opening a model file with the loader its format calls for: lists the formats of models/ and onnx/.
  ['engine/loaders', engine('loaders/')],
  // The compute choice: TF.js backend, engine per model, op registration, forward passes.
  ['engine/compute', engine('compute/')],
  // Scoring a batch: logits and top-1 classes on either engine, distances between images.
  ['engine/scoring', engine('scoring/')],
  ['engine/attacks', engine('attacks/')],
  ['engine/eval', engine('eval/')],
  ['engine/jobs', engine('jobs/', 'gallery/', 'heatmap/', 'shards/')],
  // The one-command report: its settings, the orchestration over the other jobs (run by the host),
  // and the writer of the report folder (run in a worker).
  ['engine/report', engine('report/')],
  // What a worker holds open (data sets, models), how handlers look it up, and the open journal.
  ['engine/session', engine('session/')],
  ['engine/handlers', engine('handlers/')],
  // The worker runtime and the EngineHost, and the library surface over everything.
  ['engine/runtime', engine('runtime/', 'index.ts')],
]

// What a host process may use of the engine: the host itself, the backend list, versions, the named
// error it raises (LabError), and where the embedded resources lie (a browser-host read root).
const HOST_SURFACE = engine('runtime/host.ts', 'compute/backend-names.ts', 'base/version.ts', 'base/errors.ts', 'base/resources-path.ts')

export const LAYERS = {
  root: ROOT,
  zones: [
    ['renderer', ['src-renderer/']],
    ['protocol', ['src-main/protocol/']],
    ['preload', ['src-main/preload/']],
    ['main', ['src-main/main/']],
    ['web', ['src-main/web/']],
    ['cli', ['src-main/cli/']],
    ...ENGINE_LAYERS,
  ],
  allow: {
    renderer: ['protocol'],
    protocol: [],
    preload: ['protocol'],
    main: ['protocol', ...HOST_SURFACE],
    web: ['protocol', ...HOST_SURFACE],
    cli: ['protocol', 'web', ...HOST_SURFACE],
    ...Object.fromEntries(ENGINE_LAYERS.map(([zone], i) => [zone, ['protocol', ...ENGINE_LAYERS.slice(0, i).map(([below]) => below)]])),
  },
  // Imports allowed to break the layers, each listed with its reason so that none is added
  // unnoticed. None today: keep it that way.
  exceptions: [],
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'resources/**', 'dist/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/attributes-order': 'off',
    },
  },
  {
    // The engine runs in plain Node worker threads: it must never pull in Electron.
    files: ['src-main/engine/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/web/**/*.ts', 'src-main/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine, CLI and web host never import electron.' }] }],
    },
  },
  {
    // Promises the code forgets: an unhandled rejection ends a Node process (the CLI, the web host).
    files: ['src-main/**/*.ts', 'src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: ROOT, extraFileExtensions: ['.vue'] } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    plugins: { hfc: { rules: { layers } } },
    rules: { 'hfc/layers': ['error', LAYERS] },
  },
)
