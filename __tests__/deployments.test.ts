/**
 * Issue 19 on the built action (Node 24): with deployments: true each deployment goes to Hivel's
 * deployment API (POST /api/hooks/v2/deployment, X-API-Token) once, before the incident it may
 * recover, from a workflow_run, a deployment_status or a step inside the deploy workflow; against
 * loopback stand-ins of Hivel and of a GitHub API whose Git database keeps the ledger across runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { hivel, Received, RunResult, Server, startServer, TOKEN } from '../__fixtures__/action.js'
import { job, REPO, SHA } from '../__fixtures__/github.js'
import { GITHUB_TOKEN, History, HistoryStandIn, runOf, runOnHistory } from '../__fixtures__/history.js'

const DEPLOYMENT_PATH = '/api/hooks/v2/deployment'
const INCIDENT_PATH = '/api/hooks/v1/incident'
/** The Deployment API card's key: a different secret from api-token. */
const DEPLOY_TOKEN = 'hvl_d3pl0y_K3Y_never_print_me'
const REPO_URL = `https://github.com/${REPO}`
const RUNS = `/repos/${REPO}/actions/workflows/7/runs?status=completed&exclude_pull_requests=true&branch=main&per_page=10`
const JOBS = `GET /repos/${REPO}/actions/runs/1234/attempts/1/jobs?per_page=100`
const LEDGER_REF = `GET /repos/${REPO}/git/ref/hivel/incidents`
const pullsOf = (sha: string) => `GET /repos/${REPO}/commits/${sha}/pulls`
const shaOf = (id: number) => `${id}`.padStart(40, 'a')
const comments = (n: number) => `/repos/${REPO}/issues/${n}/comments`
/** One ledger commit: a tree, a commit, and the ref made or moved. */
const ledgerCommit = (created: boolean) => [
  `POST /repos/${REPO}/git/trees`,
  `POST /repos/${REPO}/git/commits`,
  created ? `POST /repos/${REPO}/git/refs` : `PATCH /repos/${REPO}/git/refs/hivel/incidents`
]
/** A first run's ledger requests around its sends: read (none yet), reserve, then confirm. */
const FIRST_LEDGER = [LEDGER_REF, ...ledgerCommit(true), ...ledgerCommit(false)]
const ledgerFile = (github: HistoryStandIn) =>
  `GET /repos/${REPO}/contents/incidents.json?ref=${github.git.refs.get('refs/hivel/incidents')}`

/** The status the deployment endpoint answers instead of Hivel's, for the test that sets it. */
let deploymentFault: number | undefined
let server: Server | undefined
beforeAll(async () => {
  server = await startServer((req, res, count) =>
    deploymentFault && req.url === DEPLOYMENT_PATH ? void res.writeHead(deploymentFault).end('Bad Gateway') : hivel(req, res, count)
  )
})
afterAll(() => server?.close())
beforeEach(() => {
  deploymentFault = undefined
  if (server) server.requests.length = 0
})
const hivelRequests = (): Received[] => server?.requests ?? []

interface Ran {
  result: RunResult
  github: HistoryStandIn
  /** What Hivel received, as "POST path" and the body. */
  posts: { to: string; body: Record<string, unknown> }[]
  asked: string[]
}

/**
 * Runs the built action with deployments: true and its own key (unless inputs say otherwise), and
 * checks where each token went: the deployment key only in a deployment's X-API-Token, api-token only
 * with incidents, the GitHub token never to Hivel, and neither key to GitHub nor into the log.
 */
async function run(eventName: string, event: object, history: History = {}, inputs: Record<string, string> = {}, env = {}): Promise<Ran> {
  const { result, github } = await runOnHistory(history, server?.url ?? '', {
    eventName,
    event,
    env,
    inputs: { deployments: 'true', 'deployment-api-token': DEPLOY_TOKEN, ...inputs }
  })
  const deploymentKey = inputs['deployment-api-token'] ?? DEPLOY_TOKEN
  for (const req of hivelRequests()) {
    expect(JSON.stringify(req.headers)).not.toContain(GITHUB_TOKEN)
    if (req.url === DEPLOYMENT_PATH) {
      // Hivel's deployment API reads X-API-Token only: the key goes there and nowhere else.
      expect(req.headers['x-api-token']).toBe(deploymentKey || TOKEN)
      expect(req.headers.authorization).toBeUndefined()
    } else expect(JSON.stringify(req.headers)).not.toContain(DEPLOY_TOKEN)
  }
  expect(result.shown).not.toContain(DEPLOY_TOKEN)
  expect(JSON.stringify(github.requests)).not.toContain(DEPLOY_TOKEN)
  return {
    result,
    github,
    posts: hivelRequests().map(r => ({ to: `${r.method} ${r.url}`, body: r.json as Record<string, unknown> })),
    asked: github.asked()
  }
}

/** Runs again on the ledger an earlier run left, with Hivel's record of it cleared. */
function rerun(first: Ran, ...args: Parameters<typeof run>): Promise<Ran> {
  hivelRequests().length = 0
  const [eventName, event, history = {}, ...more] = args
  return run(eventName, event, { ...history, comments: first.github.comments, git: first.github.git }, ...more)
}

const notices = (r: RunResult) => r.shown.split('\n').filter(l => l.startsWith('::notice::'))
const errors = (r: RunResult) => r.shown.split('\n').filter(l => l.startsWith('::error::'))
const warnings = (r: RunResult) => r.shown.split('\n').filter(l => l.startsWith('::warning::'))
const runEvent = (run: ReturnType<typeof runOf>) => ({ action: 'completed', workflow_run: run, workflow: { name: 'Deploy' } })

/** Run `id` of the deploy workflow, attempt 1 started at 13:00, finished at 13:12. */
const deployRun = (id: number, conclusion: string, more: Parameters<typeof runOf>[3] = {}) =>
  runOf(id, conclusion, '2026-11-26T13:12:00Z', { run_started_at: '2026-11-26T13:00:00Z', run_number: 57, ...more })

/** The deployment a deploy run is, as Hivel receives it. */
const runDeploymentBody = (id: number, status: string, more: Record<string, unknown> = {}) => ({
  deployment_id: `${REPO}/actions/runs/${id}/attempts/1`,
  event_type: 'completed',
  status,
  start_time: '2026-11-26T13:00:00Z',
  end_time: '2026-11-26T13:12:00Z',
  repo_url: REPO_URL,
  environment: 'production',
  branch: 'main',
  commit_hash: shaOf(id),
  build_number: '57',
  logs_url: `${REPO_URL}/actions/runs/${id}`,
  ...more
})

/** The outage of recovery.test.ts: runs 101 to 104 failed, 105 recovered; 101's pull request broke it. */
const RECOVERY_RUN = deployRun(105, 'success')
const RECOVERY: History = {
  runs: [
    RECOVERY_RUN,
    runOf(104, 'failure', '2026-11-26T12:40:00Z'),
    runOf(102, 'timed_out', '2026-11-26T10:30:00Z'),
    runOf(101, 'failure', '2026-11-26T10:00:00Z'),
    runOf(100, 'success', '2026-11-26T09:00:00Z')
  ],
  pulls: { [shaOf(101)]: 203, [shaOf(105)]: 205 }
}

describe('workflow_run: each completed deploy run is one deployment, sent once', () => {
  // The run before succeeded: a success recovers nothing, so only the deployment is sent.
  const history: History = { runs: [runOf(100, 'success', '2026-11-26T09:00:00Z')], pulls: { [shaOf(110)]: 77 } }

  it.each([
    // The event names the pull request: no look-up.
    ['success', 'success', { pull_requests: [{ number: 88 }] }, '88'],
    ['failure', 'failed', {}, '77'],
    ['timed_out', 'failed', {}, '77'],
    ['startup_failure', 'failed', {}, '77'],
    ['cancelled', 'cancelled', {}, '77']
  ])('%s is sent as %s with its pull request, recorded, and a re-run sends nothing', async (conclusion, status, more, pr) => {
    const event = runEvent(deployRun(110, conclusion, more))
    const first = await run('workflow_run', event, history)
    const id = `${REPO}/actions/runs/110/attempts/1`
    expect(first.result.code).toBe(0)
    expect(first.posts).toEqual([{ to: `POST ${DEPLOYMENT_PATH}`, body: runDeploymentBody(110, status, { pr_number: pr }) }])
    expect(first.result.outputs).toMatchObject({ deployment_id: id, incident_id: '' })
    const lookUp = pr === '77' ? [pullsOf(shaOf(110))] : []
    // Only a success asks for the runs before it: a failure is filed at recovery, a cancel never.
    const incidentSide = conclusion === 'success' ? [`GET ${RUNS}`] : []
    expect(first.asked).toEqual([...lookUp, ...incidentSide, ...FIRST_LEDGER])
    expect(first.github.ledger().deployments[id]).toEqual(expect.objectContaining({ state: 'filed', run: expect.any(String) }))
    // A deployment's key is its id: the entry holds no other.
    expect(first.github.ledger().deployments[id].incident_id).toBeUndefined()
    expect(first.github.ledger().incidents).toEqual({})
    expect(first.result.summary).toContain('### Hivel deployment sent')

    const again = await rerun(first, 'workflow_run', event, history)
    expect(again.result.code).toBe(0)
    expect(again.posts).toEqual([])
    expect(again.result.outputs).toMatchObject({ deployment_id: id, incident_id: '' })
    expect(again.asked).toEqual([...lookUp, ...incidentSide, LEDGER_REF, ledgerFile(first.github)])
    expect(notices(again.result)).toContain(`::notice::Already filed with Hivel as deployment ${id}: nothing is sent again.`)
    expect(again.result.summary).toContain('### Hivel deployment already sent')
  })

  it.each(['skipped', 'neutral', 'action_required', 'stale'])('%s is no deployment: a notice, nothing sent or asked', async conclusion => {
    const ran = await run('workflow_run', runEvent(deployRun(110, conclusion)), history)
    expect(ran.result.code).toBe(0)
    expect(ran.posts).toEqual([])
    expect(ran.asked).toEqual([])
    expect(ran.result.outputs).toMatchObject({ deployment_id: '', incident_id: '' })
    expect(notices(ran.result)).toContain(
      `::notice::Deploy run ${REPO_URL}/actions/runs/110 concluded ${conclusion}: nothing was deployed, so no deployment is sent.`
    )
  })

  it('sends no deployment with deployments unset, only the incident a recovery is', async () => {
    const ran = await run('workflow_run', runEvent(RECOVERY_RUN), RECOVERY, { deployments: '' })
    expect(ran.result.code).toBe(0)
    expect(ran.posts.map(p => p.to)).toEqual([`POST ${INCIDENT_PATH}`])
    expect(ran.result.outputs.incident_id).toBe('incident-1')
    expect(ran.result.outputs).not.toHaveProperty('deployment_id')
    expect(ran.github.ledger().deployments ?? {}).toEqual({})
  })
})

describe('workflow_run: a success that ends an outage', () => {
  it('sends the deployment, then the incident, in one reservation; a re-run sends neither', async () => {
    const first = await run('workflow_run', runEvent(RECOVERY_RUN), RECOVERY)
    const id = `${REPO}/actions/runs/105/attempts/1`
    expect(first.result.code).toBe(0)
    expect(first.posts).toEqual([
      { to: `POST ${DEPLOYMENT_PATH}`, body: runDeploymentBody(105, 'success', { pr_number: '205' }) },
      {
        to: `POST ${INCIDENT_PATH}`,
        body: {
          severity: 'high',
          description: `Deploy failed on main for 3 h 12 min (3 failed runs) until ${REPO_URL}/actions/runs/105`,
          reported_time: '2026-11-26T10:00:00Z',
          resolution_time: '2026-11-26T13:12:00Z',
          reported_by: 'mona',
          provider_id: `${REPO}/actions/runs/101`,
          repo_url: REPO_URL,
          pr_number: '203'
        }
      }
    ])
    // The incident goes with api-token, as before.
    expect(hivelRequests()[1].headers['x-api-token']).toBe(TOKEN)
    expect(first.result.outputs).toMatchObject({ deployment_id: id, incident_id: 'incident-2' })
    // The deployment's pull request, the outage's runs and its pull request; both reserved in one commit.
    expect(first.asked).toEqual([
      pullsOf(shaOf(105)),
      `GET ${RUNS}`,
      pullsOf(shaOf(101)),
      LEDGER_REF,
      `GET ${comments(203)}?per_page=100`,
      ...ledgerCommit(true),
      `POST ${comments(203)}`,
      ...ledgerCommit(false)
    ])
    const ledger = first.github.ledger()
    expect(ledger.deployments[id]).toMatchObject({ state: 'filed' })
    expect(ledger.incidents[`${REPO}/actions/runs/101`]).toMatchObject({ state: 'filed', incident_id: 'incident-2' })
    expect(first.result.summary).toContain('### Hivel incident incident-2 filed')
    expect(first.result.summary).toContain('### Hivel deployment sent')

    const again = await rerun(first, 'workflow_run', runEvent(RECOVERY_RUN), RECOVERY)
    expect(again.result.code).toBe(0)
    expect(again.posts).toEqual([])
    expect(again.result.outputs).toMatchObject({ deployment_id: id, incident_id: 'incident-2' })
    expect(again.asked).toEqual([pullsOf(shaOf(105)), `GET ${RUNS}`, pullsOf(shaOf(101)), LEDGER_REF, ledgerFile(first.github)])
  })

  it('checks both before sending either: a bad deployment sends nothing, not even the incident', async () => {
    // The run ended before it started: no duration Hivel could compute.
    const backwards = deployRun(105, 'success', { run_started_at: '2026-11-26T13:30:00Z' })
    const ran = await run('workflow_run', runEvent(backwards), { ...RECOVERY, runs: [backwards, ...(RECOVERY.runs ?? []).slice(1)] })
    expect(ran.result.code).toBe(1)
    expect(ran.posts).toEqual([])
    expect(errors(ran.result).join('\n')).toContain(
      "Input 'the deployment's end_time' 2026-11-26T13:12:00.000Z is before its start 2026-11-26T13:30:00.000Z"
    )
    expect(ran.github.ledger()).toBeUndefined()
  })
})

describe('deployment_status: a GitHub deployment reaching its final status', () => {
  const deployment = {
    id: 812,
    sha: 'd3adb33fd3adb33fd3adb33fd3adb33fd3adb33f',
    ref: 'release/2.4',
    environment: 'staging',
    created_at: '2026-11-26T07:24:40Z',
    creator: { login: 'octocat' }
  }
  const statusOf = (state: string, more: object = {}) => ({
    deployment,
    deployment_status: {
      state,
      environment: 'staging',
      created_at: '2026-11-26T07:31:05Z',
      target_url: 'https://deploy.acme.example/releases/812',
      log_url: 'https://deploy.acme.example/releases/812/log',
      ...more
    }
  })
  // The deployment before succeeded: a success recovers nothing.
  const history: History = {
    deployments: [deployment, { ...deployment, id: 811, created_at: '2026-11-25T07:00:00Z' }],
    statuses: { 811: [{ state: 'success', created_at: '2026-11-25T07:05:00Z' }] },
    pulls: { [deployment.sha]: 301 }
  }
  const D = `/repos/${REPO}/deployments`
  const body = (status: string, more: object = {}) => ({
    deployment_id: `${REPO}/deployments/812`,
    event_type: 'completed',
    status,
    start_time: '2026-11-26T07:24:40Z',
    end_time: '2026-11-26T07:31:05Z',
    repo_url: REPO_URL,
    environment: 'staging',
    branch: 'release/2.4',
    commit_hash: deployment.sha,
    pr_number: '301',
    logs_url: 'https://deploy.acme.example/releases/812/log',
    ...more
  })

  it.each([
    ['success', 'success', [`GET ${D}?environment=staging&per_page=10`, `GET ${D}/811/statuses?per_page=1`]],
    ['failure', 'failed', []],
    ['error', 'failed', []]
  ])('%s is sent as %s, recorded, and a re-run sends nothing', async (state, status, incidentSide) => {
    const first = await run('deployment_status', statusOf(state), history)
    const id = `${REPO}/deployments/812`
    expect(first.result.code).toBe(0)
    expect(first.posts).toEqual([{ to: `POST ${DEPLOYMENT_PATH}`, body: body(status) }])
    expect(first.result.outputs).toMatchObject({ deployment_id: id, incident_id: '' })
    expect(first.asked).toEqual([pullsOf(deployment.sha), ...incidentSide, ...FIRST_LEDGER])
    expect(first.github.ledger().deployments[id]).toMatchObject({ state: 'filed' })

    const again = await rerun(first, 'deployment_status', statusOf(state), history)
    expect(again.posts).toEqual([])
    expect(again.result.outputs).toMatchObject({ deployment_id: id, incident_id: '' })
    expect(notices(again.result)).toContain(`::notice::Already filed with Hivel as deployment ${id}: nothing is sent again.`)
  })

  it('a success that ends an outage: the deployment, then the incident', async () => {
    const failed: History = {
      ...history,
      deployments: [...(history.deployments ?? []), { ...deployment, id: 810, created_at: '2026-11-24T07:00:00Z' }],
      statuses: {
        811: [{ state: 'failure', created_at: '2026-11-25T07:05:00Z' }],
        810: [{ state: 'success', created_at: '2026-11-24T07:05:00Z' }]
      }
    }
    const ran = await run('deployment_status', statusOf('success'), failed)
    expect(ran.result.code).toBe(0)
    expect(ran.posts.map(p => p.to)).toEqual([`POST ${DEPLOYMENT_PATH}`, `POST ${INCIDENT_PATH}`])
    expect(ran.posts[0].body).toEqual(body('success'))
    expect(ran.posts[1].body).toMatchObject({
      provider_id: `${REPO}/deployments/811`,
      reported_time: '2026-11-25T07:05:00Z',
      resolution_time: '2026-11-26T07:31:05Z',
      pr_number: '301'
    })
    expect(ran.result.outputs).toMatchObject({ deployment_id: `${REPO}/deployments/812`, incident_id: 'incident-2' })
  })

  it.each([
    ['the status names it', 'staging', 'staging'],
    ['nothing names it', undefined, 'production']
  ])('a deployment without its environment: %s, so %s', async (_what, statusEnvironment, sent) => {
    const event = statusOf('failure', { environment: statusEnvironment })
    const ran = await run('deployment_status', { ...event, deployment: { ...deployment, environment: undefined } }, history)
    expect(ran.posts).toEqual([{ to: `POST ${DEPLOYMENT_PATH}`, body: body('failed', { environment: sent }) }])
  })

  it('takes the environment input over the deployment, and target_url when there is no log_url', async () => {
    const ran = await run('deployment_status', statusOf('failure', { log_url: '' }), history, {
      environment: 'production-eu',
      image: 'ghcr.io/acme/checkout:2.4.1',
      // The incidents' header choice: the deployment still goes with X-API-Token alone (run() checks).
      'auth-header': 'bearer'
    })
    expect(ran.posts).toEqual([
      {
        to: `POST ${DEPLOYMENT_PATH}`,
        body: body('failed', {
          environment: 'production-eu',
          image: 'ghcr.io/acme/checkout:2.4.1',
          logs_url: 'https://deploy.acme.example/releases/812'
        })
      }
    ])
  })

  it.each([
    ['inactive', 'a newer deployment replaced it, which is no deployment of its own'],
    ['in_progress', 'not final yet; its final status reports it'],
    ['pending', 'not final yet; its final status reports it'],
    ['queued', 'not final yet; its final status reports it']
  ])('%s is no deployment: a notice, nothing sent or asked', async (state, why) => {
    const ran = await run('deployment_status', statusOf(state), history)
    expect(ran.result.code).toBe(0)
    expect(ran.posts).toEqual([])
    expect(ran.asked).toEqual([])
    expect(ran.result.outputs).toMatchObject({ deployment_id: '', incident_id: '' })
    expect(notices(ran.result)).toContain(`::notice::Deployment 812 to staging is ${state}: ${why}, so no deployment is sent.`)
  })
})

describe('a step inside the deploy workflow (push): the deployment of its own run', () => {
  // Half an hour ago, on a whole minute: the jobs ran just before the step, whatever the clock says.
  const base = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000
  const at = (minute: number) => new Date(base + minute * 60_000).toISOString().replace('.000Z', 'Z')
  /** This run's jobs: build and two deploys done, lint failed, this job still running. */
  const jobs = (deployEu = 'success', deployUs = 'success') => [
    job('build', 'success', at(2), at(5), 1),
    job('lint', 'failure', at(1), at(3), 2),
    job('deploy-eu', deployEu, at(6), at(9), 3),
    job('deploy-us', deployUs, at(6), at(10), 4),
    job('report', null, at(11), null, 5)
  ]
  const history = (list = jobs()): History => ({ jobs: { '1234/1': list }, pulls: { [SHA]: 203 } })
  const ENV = { GITHUB_REF_NAME: 'trunk', GITHUB_RUN_NUMBER: '88' }
  // No severity: a step that reports its deployment files no incident.
  const inputs = (more: Record<string, string> = {}) => ({ severity: '', ...more })
  const id = `${REPO}/actions/runs/1234/attempts/1`

  it.each<[string, string, Record<string, string>, ReturnType<typeof jobs>]>([
    ['every other completed job (lint failed)', 'failed', {}, jobs()],
    ['deploy-jobs, which succeeded', 'success', { 'deploy-jobs': 'deploy-eu, deploy-us' }, jobs()],
    ['deploy-jobs, one cancelled', 'cancelled', { 'deploy-jobs': 'deploy-eu\ndeploy-us' }, jobs('success', 'cancelled')],
    ['deploy-jobs, one cancelled and one timed out', 'failed', { 'deploy-jobs': 'deploy-eu,deploy-us' }, jobs('timed_out', 'cancelled')]
  ])('from %s: %s, from the first job to now; a re-run sends nothing', async (_from, status, more, list) => {
    const before = Date.now()
    const first = await run('push', { ref: 'refs/heads/trunk' }, history(list), inputs(more), ENV)
    expect(first.result.code).toBe(0)
    expect(first.posts).toEqual([
      {
        to: `POST ${DEPLOYMENT_PATH}`,
        body: {
          deployment_id: id,
          event_type: 'completed',
          status,
          start_time: at(1),
          end_time: expect.any(String),
          repo_url: REPO_URL,
          environment: 'production',
          branch: 'trunk',
          commit_hash: SHA,
          pr_number: '203',
          build_number: '88',
          logs_url: `${REPO_URL}/actions/runs/1234`
        }
      }
    ])
    // Sent whole seconds (Hivel's form): at most a second before the step started.
    const end = Date.parse(String(first.posts[0].body.end_time))
    expect(end).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000)
    expect(end).toBeLessThanOrEqual(Date.now())
    expect(first.result.outputs).toMatchObject({ deployment_id: id, incident_id: '' })
    expect(first.asked).toEqual([JOBS, pullsOf(SHA), ...FIRST_LEDGER])

    const again = await rerun(first, 'push', { ref: 'refs/heads/trunk' }, history(list), inputs(more), ENV)
    expect(again.posts).toEqual([])
    expect(again.result.outputs.deployment_id).toBe(id)
  })

  it('is the deployment the workflow_run event of the same run reports: sent once between them', async () => {
    const step = await run('push', {}, history(), inputs(), ENV)
    expect(step.posts).toHaveLength(1)
    const event = runEvent(runOf(1234, 'failure', at(12), { run_started_at: at(1), head_sha: SHA }))
    const listener = await rerun(step, 'workflow_run', event, {}, { severity: 'high' })
    expect(listener.posts).toEqual([])
    expect(listener.result.outputs.deployment_id).toBe(id)
  })

  it('sends nothing when every deploy job was skipped', async () => {
    const list = jobs('skipped', 'skipped')
    const ran = await run('push', {}, history(list), inputs({ 'deploy-jobs': 'deploy-eu, deploy-us' }), ENV)
    expect(ran.result.code).toBe(0)
    expect(ran.posts).toEqual([])
    expect(ran.asked).toEqual([JOBS])
    expect(notices(ran.result).join('\n')).toContain(
      `No deploy job of ${REPO_URL}/actions/runs/1234 ran (deploy-eu: skipped, deploy-us: skipped): nothing was deployed`
    )
  })

  it('fails naming the jobs when deploy-jobs names one the run does not have, sending nothing', async () => {
    const ran = await run('push', {}, history(), inputs({ 'deploy-jobs': 'deploy-eu, deploy-asia' }), ENV)
    expect(ran.result.code).toBe(1)
    expect(ran.posts).toEqual([])
    expect(errors(ran.result)).toEqual([
      '::error::deploy-jobs names "deploy-asia", not a job of this run. Accepted: job names as the run shows them, one of "build", "lint", "deploy-eu", "deploy-us", "report".'
    ])
    expect(ran.github.ledger()).toBeUndefined()
  })
})

describe('what is checked, shown or unsure', () => {
  it('lists every bad input at once and sends nothing, asking GitHub nothing', async () => {
    const ran = await run('workflow_run', runEvent(RECOVERY_RUN), RECOVERY, { environment: 'e'.repeat(256), image: 'i'.repeat(256) })
    expect(ran.result.code).toBe(1)
    expect(ran.posts).toEqual([])
    expect(ran.asked).toEqual([])
    expect(errors(ran.result)).toEqual([
      "::error::Input 'environment' is 256 characters long; Hivel accepts at most 255",
      "::error::Input 'image' is 256 characters long; Hivel accepts at most 255",
      '::error::2 inputs are invalid (environment, image); nothing was sent to Hivel.'
    ])
  })

  it('with a separate key unset, sends the deployment with api-token', async () => {
    const ran = await run('workflow_run', runEvent(deployRun(110, 'failure')), {}, { 'deployment-api-token': '' })
    expect(ran.posts.map(p => p.to)).toEqual([`POST ${DEPLOYMENT_PATH}`])
    expect(hivelRequests()[0].headers['x-api-token']).toBe(TOKEN)
  })

  it('dry run: prints the exact request, the key hidden, and sends nothing', async () => {
    const ran = await run('workflow_run', runEvent(deployRun(110, 'cancelled')), {}, { 'dry-run': 'true' })
    expect(ran.result.code).toBe(0)
    expect(ran.posts).toEqual([])
    const request = [
      `Dry run: nothing is sent. The request would be:`,
      `POST ${server?.url}${DEPLOYMENT_PATH}`,
      'X-API-Token: ***',
      ...JSON.stringify(runDeploymentBody(110, 'cancelled'), null, 2).split('\n')
    ]
    expect(ran.result.shown).toContain(request.join('\n'))
    expect(ran.result.summary).toContain('### Hivel deployment (dry run: nothing sent)')
    expect(ran.result.outputs.deployment_id).toBe('')
    expect(ran.github.asked().filter(r => !r.startsWith('GET'))).toEqual([])
  })

  it('401: names the Deployment API key; provably not taken, so a re-run sends it', async () => {
    deploymentFault = 401
    const event = runEvent(deployRun(110, 'failure'))
    const first = await run('workflow_run', event)
    expect(first.result.code).toBe(1)
    expect(errors(first.result).join('\n')).toContain(
      'Hivel rejected the API token (HTTP 401). Generate one in Hivel under Settings → Integrations → Deployment API, store it as a secret and pass it as deployment-api-token'
    )
    expect(first.github.ledger().deployments).toEqual({})
    deploymentFault = undefined
    const again = await rerun(first, 'workflow_run', event)
    expect(again.result.code).toBe(0)
    expect(again.posts.map(p => p.to)).toEqual([`POST ${DEPLOYMENT_PATH}`])
  })

  it('502: named unsure with its deployment_id, not sent again by a re-run, which warns', async () => {
    deploymentFault = 502
    const event = runEvent(deployRun(110, 'failure'))
    const id = `${REPO}/actions/runs/110/attempts/1`
    const first = await run('workflow_run', event)
    expect(first.result.code).toBe(1)
    expect(first.posts.map(p => p.to)).toEqual([`POST ${DEPLOYMENT_PATH}`])
    expect(errors(first.result).join('\n')).toContain(
      `Hivel may have filed the deployment: the attempt got HTTP 502: Bad Gateway, which can come after Hivel stored it`
    )
    expect(errors(first.result).join('\n')).toContain(`deployment_id ${id}`)
    expect(first.github.ledger().deployments[id]).toMatchObject({ state: 'unsure' })

    deploymentFault = undefined
    const again = await rerun(first, 'workflow_run', event)
    expect(again.result.code).toBe(0)
    expect(again.posts).toEqual([])
    expect(warnings(again.result).join('\n')).toContain(`Hivel may or may not have this deployment`)
    expect(warnings(again.result).join('\n')).toContain(`run the workflow with resend: ${id}`)
  })
})
