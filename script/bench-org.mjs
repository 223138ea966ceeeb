/**
 * npm run bench -- --org 50 [--parallel 10 --budget 5000 --write]: issue 20's organisation sync,
 * simulated as docs/organisation.md runs it. Each repository (acme/repo-01 …) has its own GitHub
 * stand-in (script/history-stand-in.mjs), and all of them draw on one rate budget, as the tokens of
 * one app installation do; the built action runs once per repository in a fresh process (inputs in
 * INPUT_* variables, as a runner runs a step), at most --parallel at once (the matrix's
 * max-parallel), with `repository` and `backfill-since: 2h`, against one stand-in Hivel.
 * Three passes over the same stand-ins (each repository's ledger kept between them):
 * - busy: each repository's deploy workflow failed and recovered in the window, and an incident
 *   issue was closed in it: two incidents and two deployments to send;
 * - again: the same window, as the next run 30 minutes later reads it: everything already filed;
 * - idle: a window with nothing in it (a repository with nothing new).
 * For each pass: its wall time (first spawn to last exit), the GitHub requests of each repository
 * (from its stand-in), each process's peak memory (max RSS, as the rest of the bench measures it),
 * what Hivel received; and the bench fails if any repository's sync went wrong or Hivel received an
 * incident or a deployment twice. --write puts the figures into docs/performance.md's
 * <!-- bench:org --> block.
 */
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, relative } from 'node:path'
import { PERFORMANCE_DOC, writeBlock } from './check-size.mjs'
import { startHistory, runOf } from './history-stand-in.mjs'
import { ACTION, parseOutputFile, prepareRunner } from './run-action.mjs'
import { DEPLOYMENT_PATH, INCIDENT_PATH } from './stand-in.mjs'

const OWNER = 'acme'
const TOKEN = 'bench-token-not-a-secret'
const GITHUB_TOKEN = 'ghs_benchInstallationTokenNotASecret0123'
const sha = (/** @type {number} */ n) => `${n}`.padStart(40, 'a')

/**
 * @typedef {object} OrgOptions
 * @property {number} count repositories
 * @property {number} parallel processes at once
 * @property {number} budget the installation's rate budget the stand-ins share
 * @property {string} node the Node 24 binary that runs the action
 * @property {boolean} write put the figures into docs/performance.md
 * @property {import('./stand-in.mjs').Server} hivel the stand-in Hivel
 * @property {{ how: string, wrap: (argv: string[], rssFile: string) => { argv: string[], env: Record<string, string> } }} rss
 * @property {() => string} machine
 * @property {(message: string) => never} fail
 */

/** A repository's history in the hours before now (also the organisation tests'): one outage of its deploy workflow, recovered, and a closed incident issue. */
export function syncHistory(
  /** @type {number} */ n,
  /** @type {string} */ repository,
  /** @type {{ remaining: number, reset?: number, limit?: number }} */ budget
) {
  const now = Date.now()
  const ago = (/** @type {number} */ minutes) => new Date(now - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const id = n * 100
  const run = (/** @type {number} */ runId, /** @type {string} */ conclusion, /** @type {number} */ minutes) =>
    runOf(runId, conclusion, ago(minutes), { html_url: `https://github.com/${repository}/actions/runs/${runId}` })
  return {
    repository,
    rateLimit: budget,
    workflows: [{ id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' }],
    // Newest first: the outage (a failure at 70 minutes, recovered at 40) after successes before the window.
    runs: [run(id + 4, 'success', 40), run(id + 3, 'failure', 70), run(id + 2, 'success', 300), run(id + 1, 'success', 600)],
    pulls: { [sha(id + 3)]: 40, [sha(id + 4)]: 41 },
    issues: [
      {
        number: 12,
        html_url: `https://github.com/${repository}/issues/12`,
        title: 'Checkout errors after deploy',
        body: 'Caused by #40',
        created_at: ago(80),
        closed_at: ago(50),
        updated_at: ago(50),
        state_reason: 'completed',
        comments: 0,
        user: { login: 'mona' },
        labels: [{ name: 'incident' }, { name: 'sev2' }]
      }
    ],
    pullRequests: [],
    commits: { main: [] }
  }
}

/**
 * Runs the action once for a repository, as a matrix job's step, under the max-RSS wrapper.
 * @param {OrgOptions} o
 * @param {{ repository: string, github: string, since: string }} job
 */
async function sync(o, { repository, github, since }) {
  const { dir, files, env } = prepareRunner({
    inputs: {
      'api-token': TOKEN,
      'base-url': o.hivel.url,
      'github-token': GITHUB_TOKEN,
      repository,
      'backfill-since': since,
      'backfill-workflows': 'deploy.yml',
      'backfill-deployments': 'true',
      severity: 'high'
    },
    env: { GITHUB_API_URL: github }
  })
  try {
    const rssFile = join(dir, 'rss')
    const wrapped = o.rss.wrap([o.node, ACTION], rssFile)
    let log = ''
    const started = performance.now()
    const child = spawn(wrapped.argv[0], wrapped.argv.slice(1), { env: { ...env, ...wrapped.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', d => (log += d))
    child.stderr.on('data', d => (log += d))
    const code = await new Promise(resolve => child.on('close', resolve))
    const ms = performance.now() - started
    const totals = parseOutputFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')).totals
    const rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop())
    return { code, log, ms, rssKb, totals: totals ? JSON.parse(totals) : undefined }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Runs fn on every item, at most limit at once, as a matrix with max-parallel runs its jobs.
 * @template T, R
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
async function matrix(items, limit, fn) {
  /** @type {R[]} */
  const results = []
  let next = 0
  const leg = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, leg))
  return results
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * Issue 20: N repositories synced in parallel processes, sharing one rate budget.
 * @param {OrgOptions} o
 */
export async function measureOrg(o) {
  if (!Number.isInteger(o.count) || o.count < 1 || !Number.isInteger(o.parallel) || o.parallel < 1)
    o.fail('--org and --parallel take whole numbers of at least 1.')
  const budget = { remaining: o.budget, reset: Math.floor(Date.now() / 1000) + 3600 }
  // Wall times follow the machine's load: a shared machine's is stated beside them.
  const load = loadavg()[0].toFixed(1)
  const names = Array.from({ length: o.count }, (_, i) => `${OWNER}/repo-${String(i + 1).padStart(2, '0')}`)
  const stands = await Promise.all(names.map((repository, i) => startHistory(syncHistory(i + 1, repository, budget))))
  /** @type {{ pass: string, what: string, ms: number, each: number[], requests: number[], rss: number[], sent: import('./stand-in.mjs').Received[], left: number, idleAsked?: string[] }[]} */
  const passes = []
  try {
    const plans = [
      { pass: 'busy', what: 'two incidents and two deployments each', since: '2h', incidents: { filed: 2 }, deployments: { filed: 2 } },
      {
        pass: 'again',
        what: 'the same window 30 minutes on: all already filed',
        since: '2h',
        incidents: { 'already filed': 2 },
        deployments: { 'already filed': 2 }
      },
      // Twenty minutes back: the newest event is forty minutes old.
      {
        pass: 'idle',
        what: 'nothing in the window',
        since: new Date(Date.now() - 20 * 60_000).toISOString(),
        incidents: { found: 0 },
        deployments: { found: 0 }
      }
    ]
    for (const plan of plans) {
      const asked = stands.map(s => s.requests.length)
      const sentBefore = o.hivel.requests.length
      const started = performance.now()
      const results = await matrix(
        names.map((repository, i) => ({ repository, github: stands[i].url, since: plan.since })),
        o.parallel,
        job => sync(o, job)
      )
      const ms = performance.now() - started
      results.forEach((r, i) => {
        const want = { incidents: plan.incidents, deployments: plan.deployments }
        const got = r.totals && { incidents: r.totals.incidents, deployments: r.totals.deployments }
        const matches = got && Object.entries(want).every(([k, counts]) => Object.entries(counts).every(([s, n]) => got[k]?.[s] === n))
        if (r.code !== 0 || !matches)
          o.fail(
            `the ${plan.pass} pass of ${names[i]} went wrong (exit ${r.code}, totals ${JSON.stringify(r.totals)}; expected ${JSON.stringify(want)}):\n${r.log.trim().split('\n').slice(-10).join('\n')}`
          )
      })
      const requests = stands.map((s, i) => s.requests.length - asked[i])
      passes.push({
        pass: plan.pass,
        what: plan.what,
        ms,
        each: results.map(r => r.ms),
        requests,
        rss: results.map(r => r.rssKb),
        sent: o.hivel.requests.slice(sentBefore),
        left: budget.remaining,
        idleAsked: plan.pass === 'idle' ? stands[0].requests.slice(asked[0]).map(r => `${r.method} ${r.url.split('?')[0]}`) : undefined
      })
    }
  } finally {
    await Promise.all(stands.map(s => s.close()))
  }

  // Exactly once: no incident and no deployment reached Hivel twice, across every pass.
  const sent = passes.flatMap(p => p.sent)
  const ids = sent.map(r => (r.url === INCIDENT_PATH ? `incident ${r.json?.provider_id}` : `deployment ${r.json?.deployment_id}`))
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i)
  if (twice.length) o.fail(`Hivel received ${twice.length} record(s) twice: ${[...new Set(twice)].slice(0, 5).join(', ')}`)
  const incidents = sent.filter(r => r.url === INCIDENT_PATH).length
  const deployments = sent.filter(r => r.url === DEPLOYMENT_PATH).length
  if (incidents !== 2 * o.count || deployments !== 2 * o.count)
    o.fail(`Hivel received ${incidents} incidents and ${deployments} deployments, not ${2 * o.count} of each`)

  const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`
  const spread = (/** @type {number[]} */ xs, /** @type {(x: number) => string} */ f) => `${f(median(xs))} (max ${f(Math.max(...xs))})`
  const mb = (/** @type {number} */ kb) => `${Math.round(kb / 1024)} MB`
  const rows = [
    ['wall time of the pass (first spawn to last exit)', ...passes.map(p => seconds(p.ms))],
    ['wall time per process (spawn to exit), median (max)', ...passes.map(p => spread(p.each, seconds))],
    ['GitHub requests per repository, median (max)', ...passes.map(p => spread(p.requests, String))],
    ['GitHub requests, all repositories', ...passes.map(p => p.requests.reduce((a, b) => a + b, 0).toLocaleString('en-US'))],
    ['peak memory per process (max RSS), median (max)', ...passes.map(p => spread(p.rss, mb))],
    [
      'sent to Hivel',
      ...passes.map(p => {
        const i = p.sent.filter(r => r.url === INCIDENT_PATH).length
        return `${i} incidents, ${p.sent.length - i} deployments`
      })
    ],
    ['rate budget left after the pass', ...passes.map(p => p.left.toLocaleString('en-US'))]
  ]
  const idle = passes.find(p => p.pass === 'idle')?.idleAsked ?? []
  console.log(`machine: ${o.machine()}`)
  console.log(
    `mode: ${o.count} repositories synced as a matrix job, ${o.parallel} processes at once, sharing one rate budget of ${o.budget.toLocaleString('en-US')}; memory by ${o.rss.how}; load average ${load}\n`
  )
  const width = Math.max(...rows.map(r => r[0].length)) + 2
  console.log(`${''.padEnd(width)}${passes.map(p => p.pass.padEnd(32)).join('')}`)
  for (const [what, ...cells] of rows) console.log(`${what.padEnd(width)}${cells.map(c => c.padEnd(32)).join('')}`)
  console.log(`\nan idle repository's requests (${names[0]}):\n  ${idle.join('\n  ')}`)
  console.log(`no incident or deployment was sent twice (${sent.length} records received in all)\n`)

  if (o.write) {
    writeBlock(
      PERFORMANCE_DOC,
      'bench:org',
      [
        `| \`--org ${o.count}\`: ${o.count} repositories, ${o.parallel} at a time, one rate budget of ${o.budget.toLocaleString('en-US')} | ${passes.map(p => `${p.pass}: ${p.what}`).join(' | ')} |`,
        `| --- | ${passes.map(() => '---').join(' | ')} |`,
        ...rows.map(r => `| ${r.join(' | ')} |`),
        '',
        `An idle repository's requests: ${idle.map(a => `\`${a.replace(`/repos/${names[0]}`, '/repos/{repo}')}\``).join(', ')}.`,
        '',
        `Written by \`npm run bench -- --org ${o.count}${o.parallel === 10 ? '' : ` --parallel ${o.parallel}`} --write\` on ${new Date().toISOString().slice(0, 10)}: ${o.machine()}; load average ${load} at the start.`,
        ''
      ].join('\n')
    )
    console.log(`wrote the figures into ${relative(process.cwd(), PERFORMANCE_DOC)}\n`)
  }
}
