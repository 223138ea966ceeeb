/**
 * Runs the built action (dist/index.js) as the runner does: inputs as INPUT_* variables, the
 * event in a GITHUB_EVENT_PATH file, outputs and summary in the files the runner provides.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ACTION = fileURLToPath(new URL('../dist/index.js', import.meta.url))
/** The repository every step runs in (GITHUB_REPOSITORY). */
export const REPO = 'acme/checkout-service'

/**
 * @typedef {object} RunOptions
 * @property {Record<string, string>} [inputs] by input name, as in a workflow's `with:`
 * @property {string} [eventName]
 * @property {unknown} [event] the event payload
 * @property {Record<string, string>} [env] more environment, e.g. GITHUB_API_URL or HTTPS_PROXY
 * @property {string} [node] the node binary; this process's by default
 * @property {number} [timeoutMs] kill the step after this long
 * @property {(child: import('node:child_process').ChildProcess) => void} [onSpawn] gets the step's process (to signal it)
 *
 * @typedef {object} RunResult
 * @property {number | null} code
 * @property {string} stdout
 * @property {string} stderr
 * @property {string} log stdout and stderr together
 * @property {string} shown the log as the runner shows it: without the ::add-mask:: commands it consumes, and
 *   annotations without their properties (`::warning title=…::text` as `::warning::text`; `log` keeps them)
 * @property {Record<string, string>} outputs parsed from GITHUB_OUTPUT
 * @property {string} summary the GITHUB_STEP_SUMMARY file
 * @property {number} ms wall time
 */

/**
 * Parses the runner's GITHUB_OUTPUT file format (name<<delimiter ... delimiter).
 * @param {string} text
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const value = []
    while (++i < lines.length && lines[i] !== m[2]) value.push(lines[i])
    outputs[m[1]] = value.join('\n')
  }
  return outputs
}

/**
 * A runner's workspace for one step: a fresh folder with the event, output and summary files, and
 * the environment the runner would give the step (inputs as INPUT_* variables, hyphens kept).
 * @param {Pick<RunOptions, 'inputs' | 'eventName' | 'event' | 'env'>} options
 */
export function prepareRunner({ inputs = {}, eventName = 'workflow_dispatch', event = {}, env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hivel-run-'))
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_EVENT_PATH: join(dir, 'event.json')
  }
  writeFileSync(files.GITHUB_OUTPUT, '')
  writeFileSync(files.GITHUB_STEP_SUMMARY, '')
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(event))
  /** @type {Record<string, string>} */
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    RUNNER_TEMP: dir,
    ...files,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_REPOSITORY: REPO,
    GITHUB_SERVER_URL: 'https://github.com',
    // Never the real API: a test that needs it passes its stand-in's URL.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_RUN_ID: '1234',
    GITHUB_RUN_ATTEMPT: '1',
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])),
    ...env
  }
  return { dir, files, env: childEnv }
}

/**
 * @param {RunOptions} options
 * @returns {Promise<RunResult>}
 */
export async function runAction({ inputs, eventName, event, env, node = process.execPath, timeoutMs = 120_000, onSpawn } = {}) {
  const { dir, files, env: childEnv } = prepareRunner({ inputs, eventName, event, env })
  const started = performance.now()
  const child = spawn(node, [ACTION], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  let log = ''
  child.stdout.on('data', d => ((stdout += d), (log += d)))
  child.stderr.on('data', d => ((stderr += d), (log += d)))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise(resolve => child.on('close', c => resolve(c)))
  clearTimeout(timer)
  const ms = performance.now() - started
  const outputs = parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  rmSync(dir, { recursive: true, force: true })
  const shown = log
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .map(line => line.replace(/^::(error|warning|notice) [^:]*::/, '::$1::'))
    .join('\n')
  return { code, stdout, stderr, log, shown, outputs, summary, ms }
}
