/**
 * Every recipe of README.md and docs/ grants exactly the permissions the action needs in it: the
 * built action runs each recipe's step as written (its `with:`, the runner's defaults of action.yml)
 * in the recipe's situation against the history stand-in, twice (a re-run), and every GitHub request
 * it makes is mapped to the permission GITHUB_TOKEN needs for it. The recipe's `permissions:` must be
 * that set: nothing missing, nothing more, and no write where read is enough.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, parseDocument } from 'yaml'
import { REPO, runAction, TOKEN, useHivel } from '../__fixtures__/action.js'
import { eventFixture } from '../__fixtures__/github.js'
import { GITHUB_TOKEN, History, runOf, startHistory } from '../__fixtures__/history.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'
import { revertHistory } from '../script/bench-history.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DOC_FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter(name => name.endsWith('.md'))
    .map(name => `docs/${name}`)
]

type Level = 'read' | 'write'
/** A job's `permissions:`: scope → level (none left out). */
type Permissions = Record<string, Level>

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Concurrency {
  group?: string
  'cancel-in-progress'?: boolean
}
interface Job {
  permissions?: Permissions | string
  concurrency?: Concurrency | string
  if?: string
  steps?: Step[]
}
interface Recipe {
  /** `file › heading › job`. */
  name: string
  /** The event that starts it; a job shown alone runs inside the deploy workflow (push). */
  trigger: string
  permissions: Permissions | string | undefined
  concurrency: Concurrency | string | undefined
  job: Job
  step: Step
}

/** Every job of a ```yaml block of the docs that runs this action: a whole workflow's, or a job shown alone. */
function recipes(): Recipe[] {
  const found: Recipe[] = []
  for (const file of DOC_FILES) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
    let heading = ''
    for (let i = 0; i < lines.length; i++) {
      if (/^#+ /.test(lines[i])) heading = lines[i].replace(/^#+ /, '')
      if (lines[i] !== '```yaml') continue
      const end = lines.indexOf('```', i + 1)
      const block = lines.slice(i + 1, end).join('\n')
      i = end
      if (!block.includes('hivel-incident-action@')) continue
      const doc = parse(block) as unknown
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) continue
      const workflow = doc as { on?: unknown; jobs?: Record<string, Job>; permissions?: Permissions; concurrency?: Concurrency }
      const jobs: Record<string, Job> = workflow.jobs ?? (doc as Record<string, Job>)
      const on = workflow.on
      const trigger = typeof on === 'string' ? on : on && typeof on === 'object' ? Object.keys(on)[0] : 'push'
      for (const [jobName, job] of Object.entries(jobs)) {
        const step = job?.steps?.find(s => /hivel-incident-action@/.test(s.uses ?? ''))
        if (!step) continue
        found.push({
          name: `${file} › ${heading} › ${jobName}`,
          trigger,
          permissions: appPermissions(job, step) ?? job.permissions ?? workflow.permissions,
          concurrency: job.concurrency ?? workflow.concurrency,
          job,
          step
        })
      }
    }
  }
  return found
}

/** What a GitHub App's installation token the step uses may do: the `permission-*` inputs of the step that made it. */
function appPermissions(job: Job, step: Step): Permissions | undefined {
  const id = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.token\s*\}\}$/.exec(`${step.with?.['github-token'] as string | undefined}`)?.[1]
  const app = job.steps?.find(s => (s as { id?: string }).id === id && /create-github-app-token@/.test(s.uses ?? ''))
  if (!app) return undefined
  return Object.fromEntries(
    Object.entries(app.with ?? {}).flatMap(([name, level]) => (name.startsWith('permission-') ? [[name.slice(11), level as Level]] : []))
  )
}

/** The situation a recipe is in: its trigger, and a workflow_dispatch that backfills apart from the form. */
const situationOf = (recipe: Recipe) =>
  recipe.trigger === 'workflow_dispatch' && recipe.step.with?.['backfill-since'] ? 'backfill' : recipe.trigger

/**
 * What GITHUB_TOKEN needs for each request the GitHub client (src/github-api.ts) can make, by
 * method and path inside the repository. Metadata (the repository itself) every token may read. A
 * comment's thread is an issue or a pull request, and needs that scope.
 */
const NEEDS: [method: string, path: RegExp, needs: (thread: 'issues' | 'pull-requests') => string[]][] = [
  ['GET', /^\/actions\/workflows$/, () => ['actions: read']],
  ['GET', /^\/actions\/workflows\/[^/]+\/runs$/, () => ['actions: read']],
  ['GET', /^\/actions\/runs\/\d+\/attempts\/\d+$/, () => ['actions: read']],
  ['GET', /^\/actions\/runs\/\d+\/attempts\/\d+\/jobs$/, () => ['actions: read']],
  ['GET', /^\/deployments$/, () => ['deployments: read']],
  ['GET', /^\/deployments\/\d+\/statuses$/, () => ['deployments: read']],
  ['GET', /^$/, () => []],
  ['GET', /^\/commits$/, () => ['contents: read']],
  ['GET', /^\/commits\/[^/]+\/pulls$/, () => ['contents: read', 'pull-requests: read']],
  ['GET', /^\/pulls$/, () => ['pull-requests: read']],
  ['GET', /^\/pulls\/\d+$/, () => ['pull-requests: read']],
  ['GET', /^\/pulls\/\d+\/commits$/, () => ['pull-requests: read']],
  ['GET', /^\/issues$/, () => ['issues: read']],
  ['GET', /^\/issues\/comments$/, () => ['issues: read']],
  ['GET', /^\/issues\/\d+\/comments$/, thread => [`${thread}: read`]],
  ['POST', /^\/issues\/\d+\/comments$/, thread => [`${thread}: write`]],
  ['GET', /^\/git\/ref\/hivel\/incidents$/, () => ['contents: read']],
  ['GET', /^\/contents\/incidents\.json$/, () => ['contents: read']],
  ['POST', /^\/git\/(trees|commits|refs)$/, () => ['contents: write']],
  ['PATCH', /^\/git\/refs\/hivel\/incidents$/, () => ['contents: write']]
]

/** The permissions a request needs; a request missing from NEEDS fails the test, so the table keeps up with the client. */
function needsOf(method: string, url: string, issues: Set<number>): string[] {
  const path = url.split('?')[0]
  // The token's own user: asked only to tell its comments apart, and a refusal is an answer.
  if (path === '/user') return []
  const tail = path.startsWith(`/repos/${REPO}`) ? path.slice(`/repos/${REPO}`.length) : undefined
  const rule = tail === undefined ? undefined : NEEDS.find(([m, p]) => m === method && p.test(tail))
  if (!rule || tail === undefined) throw new Error(`no permission known for ${method} ${path}: add it to NEEDS`)
  const thread = Number(/^\/issues\/(\d+)\/comments$/.exec(tail)?.[1])
  return rule[2](issues.has(thread) ? 'issues' : 'pull-requests')
}

/** The least `permissions:` that grants every need: the higher level of each scope. */
function least(needs: string[]): Permissions {
  const granted: Permissions = {}
  for (const need of needs) {
    const [scope, level] = need.split(': ') as [string, Level]
    if (granted[scope] !== 'write') granted[scope] = level
  }
  return granted
}

interface Situation {
  eventName: string
  event: object
  history: () => History
  /** The values of `${{ inputs.<name> }}` (a workflow_dispatch form as a person fills it in). */
  inputs?: Record<string, string>
  /** The values of other expressions of the recipe, by their text. */
  expressions?: Record<string, string>
  env?: Record<string, string>
}

const deploy = (id: number, created: string) => ({ id, sha: `${id}`.padStart(40, 'd'), environment: 'production', created_at: created })
const recovered = runOf(105, 'success', '2026-11-26T13:12:00Z')
/** A deploy workflow (7) on main that failed at 10:00 (#203's change) and recovered at 13:12. */
const outage = () => [recovered, runOf(104, 'failure', '2026-11-26T12:40:00Z'), runOf(101, 'failure', '2026-11-26T10:00:00Z')]
const reverts = revertHistory({ since: '2026-11-01T00:00:00Z', until: '2026-11-30T00:00:00Z', merged: 12, reverts: 1, undos: 0 })
const revert = { ...reverts.history.pullRequests.find(p => p.number === reverts.reverts[0].number), labels: [{ name: 'sev2' }] }
const deployments = {
  deployments: [deploy(30, '2026-11-26T13:00:00Z'), deploy(28, '2026-11-26T09:55:00Z'), deploy(27, '2026-11-26T08:00:00Z')],
  statuses: {
    30: [{ state: 'success', created_at: '2026-11-26T13:12:00Z' }],
    28: [{ state: 'failure', created_at: '2026-11-26T10:00:00Z' }],
    27: [{ state: 'inactive', created_at: '2026-11-26T09:59:00Z' }]
  }
}

/** Each situation a recipe is in, as the stand-in serves it. */
const SITUATIONS: Record<string, Situation> = {
  // A job of the deploy workflow after `deploy` failed (this run: 1234, attempt 1).
  push: {
    eventName: 'push',
    event: eventFixture('push'),
    env: { GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main' },
    history: () => ({
      jobs: {
        '1234/1': [
          {
            name: 'deploy',
            status: 'completed',
            conclusion: 'failure',
            started_at: '2026-11-26T08:00:00Z',
            completed_at: '2026-11-26T08:04:30Z'
          },
          { name: 'rollback', status: 'in_progress', conclusion: null, started_at: '2026-11-26T08:05:00Z', completed_at: null }
        ]
      },
      pulls: { '0123456789abcdef0123456789abcdef01234567': 203 }
    })
  },
  workflow_run: {
    eventName: 'workflow_run',
    event: { action: 'completed', workflow_run: recovered, workflow: { name: 'Deploy' } },
    history: () => ({ runs: outage(), pulls: { [`${101}`.padStart(40, 'a')]: 203, [`${105}`.padStart(40, 'a')]: 204 } })
  },
  deployment_status: {
    eventName: 'deployment_status',
    event: {
      deployment: deploy(30, '2026-11-26T13:00:00Z'),
      deployment_status: { state: 'success', created_at: '2026-11-26T13:12:00Z', environment: 'production' }
    },
    history: () => ({ ...deployments, pulls: { [`${28}`.padStart(40, 'd')]: 198 } })
  },
  issues: { eventName: 'issues', event: eventFixture('issues'), history: () => ({ issues: [eventFixture('issues').issue] }) },
  pull_request: {
    eventName: 'pull_request',
    event: { action: 'closed', number: revert?.number, pull_request: revert },
    history: () => ({ ...reverts.history })
  },
  workflow_dispatch: {
    eventName: 'workflow_dispatch',
    event: eventFixture('workflow_dispatch'),
    history: () => ({}),
    inputs: {
      severity: 'high',
      description: 'Checkout API timing out after deploy',
      'reported-time': '2026-11-26T06:40:00Z',
      'resolution-time': '',
      'pr-number': '#203',
      'affected-systems': ''
    }
  },
  // One of each kind in the window: a closed incident issue, an outage of deploy.yml, one of production, a merged revert.
  backfill: {
    eventName: 'workflow_dispatch',
    event: {},
    history: () => ({
      workflows: [{ id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' }],
      runs: [...outage(), runOf(100, 'success', '2026-11-26T09:00:00Z')],
      ...deployments,
      issues: [{ ...eventFixture('issues').issue, closed_at: '2026-11-26T12:00:00Z', state_reason: 'completed' }],
      ...reverts.history,
      pulls: { [`${101}`.padStart(40, 'a')]: 203, [`${28}`.padStart(40, 'd')]: 198 }
    }),
    inputs: { since: '2026-11-01', 'dry-run': 'false' }
  }
}
// The organisation's sync: a matrix leg in acme/ops backfilling acme/checkout-service with an app's installation token.
SITUATIONS.schedule = {
  ...SITUATIONS.backfill,
  eventName: 'schedule',
  env: { GITHUB_REPOSITORY: 'acme/ops' },
  expressions: {
    'github.repository_owner': 'acme',
    'matrix.repository': REPO.split('/')[1],
    'steps.app.outputs.token': GITHUB_TOKEN,
    'vars.HIVEL_DEPLOY_WORKFLOWS': 'deploy.yml',
    'vars.HIVEL_DEPLOY_ENVIRONMENTS': 'production',
    "inputs.since || (github.event.schedule == '17 3 * * *' && '2d') || '2h'": '2026-11-01'
  }
}

/** The defaults action.yml declares, which the runner passes for every input `with:` leaves out. */
const actionYml = parseDocument(readFileSync(join(ROOT, 'action.yml'), 'utf8')).toJS() as { inputs: Record<string, { default?: string }> }
const RUNNER_DEFAULTS = Object.fromEntries(
  Object.entries(actionYml.inputs).flatMap(([name, input]) =>
    input.default === undefined || input.default.includes('${{') ? [] : [[name, input.default]]
  )
)

/** A `with:` value as the runner gives it: the expressions the recipes use, evaluated. */
function evaluate(value: unknown, situation: Situation): string {
  return String(value).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
    const known = situation.expressions?.[expression]
    if (known !== undefined) return known
    if (expression.startsWith('secrets.')) return TOKEN
    if (expression === 'github.token') return GITHUB_TOKEN
    if (expression.startsWith('inputs.')) return situation.inputs?.[expression.slice(7)] ?? ''
    throw new Error(`the test cannot evaluate \${{ ${expression} }}`)
  })
}

const hivelServer = useHivel()

/** Runs the recipe's step in its situation, then again (a re-run), and gives every GitHub request as "METHOD /path". */
async function requestsOf(
  recipe: Recipe,
  situation: Situation
): Promise<{ asked: string[]; logs: string[]; codes: (number | null)[]; sent: unknown[][] }> {
  const history = situation.history()
  const inputs = Object.fromEntries(Object.entries(recipe.step.with ?? {}).map(([name, value]) => [name, evaluate(value, situation)]))
  const asked: string[] = []
  const logs: string[] = []
  const codes: (number | null)[] = []
  const sent: unknown[][] = []
  for (let run = 0; run < 2; run++) {
    hivelServer.requests.length = 0
    const github = await startHistory(history)
    try {
      const result = await runAction({
        node: RUNNER_NODE,
        timeoutMs: 30_000,
        eventName: situation.eventName,
        event: situation.event,
        env: { ...situation.env, GITHUB_API_URL: github.url },
        inputs: { ...RUNNER_DEFAULTS, 'github-token': GITHUB_TOKEN, ...inputs, 'base-url': hivelServer.url }
      })
      asked.push(...github.asked())
      logs.push(result.shown)
      codes.push(result.code)
      sent.push(hivelServer.requests.map(r => r.json))
      history.git = github.git
      history.comments = github.comments
    } finally {
      await github.close()
    }
  }
  return { asked, logs, codes, sent }
}

/** The expression naming one incident of a situation: the only concurrency group that cannot drop another incident's event. */
const PER_INCIDENT: Record<string, string> = {
  issues: '${{ github.event.issue.number }}',
  pull_request: '${{ github.event.pull_request.number }}'
}

describe('the concurrency groups of the recipes', () => {
  // GitHub keeps one pending run per group and cancels the older pending one: a group shared by two incidents drops one.
  it('are per incident and never cancel a run in progress, or there is none', () => {
    const shared = recipes()
      .filter(r => r.concurrency !== undefined)
      .filter(r => {
        const key = PER_INCIDENT[situationOf(r)]
        const { group, 'cancel-in-progress': cancel } = typeof r.concurrency === 'string' ? { group: r.concurrency } : (r.concurrency ?? {})
        return !key || !group?.includes(key) || cancel !== false
      })
    expect(shared.map(r => `${r.name}: ${JSON.stringify(r.concurrency)}`)).toEqual([])
  })
})

describe('the permissions of every recipe in the docs', () => {
  const all = recipes()

  it('are found: each recipe grants its permissions, and is in a situation this test can run', () => {
    expect(all.length).toBeGreaterThanOrEqual(10)
    expect(all.filter(r => typeof r.permissions !== 'object').map(r => r.name)).toEqual([])
    expect(all.filter(r => !(situationOf(r) in SITUATIONS)).map(r => `${r.name}: ${situationOf(r)}`)).toEqual([])
  })

  it.each(all.map(r => [r.name, r] as const))('%s grants exactly what the action asks of GitHub', async (_name, recipe) => {
    const situation = SITUATIONS[situationOf(recipe)]
    const { asked, logs, codes, sent } = await requestsOf(recipe, situation)
    // The run did what the recipe is for, and the re-run found its record: nothing refused, nothing sent twice.
    const warned = logs.join('\n').match(/^::(error|warning)::.*$/gm) ?? []
    expect({ codes, warned, resent: sent[1] }).toEqual({ codes: [0, 0], warned: [], resent: [] })
    expect(sent[0].length).toBeGreaterThan(0)
    const issues = new Set<number>((situation.history().issues ?? []).map(i => (i as { number: number }).number))
    const needed = least(asked.map(r => needsOf(r.split(' ')[0], r.split(' ')[1], issues)).flat())
    expect(recipe.permissions).toEqual(needed)
  })
})

describe('the numbers the recipes file', () => {
  const all = recipes()

  it("the Quick start files the deploy workflow's outage: from its first failure to its recovery", async () => {
    const quickStart = all.find(r => r.name.startsWith('README.md › Quick start'))
    expect(quickStart && situationOf(quickStart)).toBe('workflow_run')
    const { sent } = await requestsOf(quickStart as Recipe, SITUATIONS.workflow_run)
    expect(sent[0]).toEqual([
      expect.objectContaining({ reported_time: '2026-11-26T10:00:00Z', resolution_time: '2026-11-26T13:12:00Z', pr_number: '203' })
    ])
  })

  // Its resolution is the step's own time: right after the failure, it would file the time to notice as the outage.
  it('a job that files after a failure restores service in a step before it', () => {
    const unrestored = all
      .filter(r => /failure\(\)/.test(r.job.if ?? ''))
      .filter(r => !r.job.steps?.slice(0, r.job.steps.indexOf(r.step)).some(s => s.run))
    expect(unrestored.map(r => r.name)).toEqual([])
  })
})
