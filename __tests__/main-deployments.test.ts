/**
 * run() in-process with deployments: true against the history stand-in (issue 19): each situation's
 * deployment, sent once beside its incident, and what is refused; the built action's own tests are
 * __tests__/deployments.test.ts, these let coverage see the code.
 */
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { hivel, setEvent } from '../__fixtures__/action.js'
import * as core from '../__fixtures__/core.js'
import { useRun } from '../__fixtures__/in-process.js'
import { REPO } from '../__fixtures__/github.js'
import { clockAt, closedIssue, History, runOf, useStandIns } from '../__fixtures__/history.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../src/main.js')
const { buildDeployment, runDeploymentStatus, statusDeploymentStatus } = await import('../src/deployment.js')
const { InputError } = await import('../src/schema.js')

const sha = (id: number) => `${id}`.padStart(40, 'a')
const DEPLOYMENT = '/api/hooks/v2/deployment'
const INCIDENT = '/api/hooks/v1/incident'
const DEPLOY_KEY = 'hvl_deployKey0123'
const data: History = {}
const stand = useStandIns(data)
const dir = useRun(stand, 'main-deployments', {
  env: { GITHUB_SHA: sha(500), GITHUB_REF_NAME: 'main', GITHUB_RUN_ID: '500', GITHUB_RUN_ATTEMPT: '1', GITHUB_RUN_NUMBER: '77' },
  inputs: { 'deployment-api-token': DEPLOY_KEY, deployments: 'true' }
})

const event = (name: string, payload: object) => setEvent(dir, name, payload)
const outputs = core.outputs
const sent = () => stand.hivel.requests.map(r => [r.url, r.json.deployment_id ?? r.json.provider_id, r.json.status])
const failed = () => core.failures()
const summary = () => core.written.join('\n')

describe('deployments from a workflow_run of the deploy workflow', () => {
  it('sends the recovering run as a deployment, then files the outage, once; a re-run sends nothing', async () => {
    const success = { ...runOf(105, 'success', '2026-11-26T13:12:00Z'), run_number: 12, run_started_at: '2026-11-26T13:02:00Z' }
    Object.assign(data, {
      runs: [success, runOf(104, 'failure', '2026-11-26T10:00:00Z'), runOf(103, 'success', '2026-11-26T09:00:00Z')],
      pulls: { [sha(104)]: 203, [sha(105)]: 204 }
    })
    event('workflow_run', { action: 'completed', workflow_run: success })
    await run()
    expect(failed()).toEqual([])
    expect(sent()).toEqual([
      [DEPLOYMENT, `${REPO}/actions/runs/105/attempts/1`, 'success'],
      [INCIDENT, `${REPO}/actions/runs/104`, undefined]
    ])
    expect(stand.hivel.requests[0].json).toEqual({
      deployment_id: `${REPO}/actions/runs/105/attempts/1`,
      event_type: 'completed',
      status: 'success',
      start_time: '2026-11-26T13:02:00Z',
      end_time: '2026-11-26T13:12:00Z',
      repo_url: `https://github.com/${REPO}`,
      environment: 'production',
      branch: 'main',
      commit_hash: sha(105),
      pr_number: '204',
      build_number: '12',
      logs_url: `https://github.com/${REPO}/actions/runs/105`
    })
    expect(stand.hivel.requests[0].headers['x-api-token']).toBe(DEPLOY_KEY)
    expect(stand.hivel.requests[0].headers.authorization).toBeUndefined()
    expect(outputs()).toMatchObject({ deployment_id: `${REPO}/actions/runs/105/attempts/1`, incident_id: 'incident-2' })
    expect(summary()).toContain('### Hivel deployment sent')
    expect(stand.github.ledger().deployments).toMatchObject({ [`${REPO}/actions/runs/105/attempts/1`]: { state: 'filed' } })

    await run()
    expect(stand.hivel.requests).toHaveLength(2)
    expect(core.notice).toHaveBeenCalledWith(
      `Already filed with Hivel as deployment ${REPO}/actions/runs/105/attempts/1: nothing is sent again.`,
      core.titled
    )
  })

  it.each([
    ['failure', 'failed'],
    ['timed_out', 'failed'],
    ['cancelled', 'cancelled']
  ])('sends a %s run as a %s deployment; its incident waits for the recovery', async (conclusion, status) => {
    const run1 = runOf(106, conclusion, '2026-11-26T14:00:00Z', { pull_requests: [{ number: 9 }] })
    Object.assign(data, { runs: [run1] })
    event('workflow_run', { action: 'completed', workflow_run: run1 })
    await run()
    expect(failed()).toEqual([])
    expect(sent()).toEqual([[DEPLOYMENT, `${REPO}/actions/runs/106/attempts/1`, status]])
    expect(stand.hivel.requests[0].json.pr_number).toBe('9')
    expect(outputs().incident_id).toBe('')
  })

  it('sends nothing for a skipped run, and says why', async () => {
    const skipped = runOf(107, 'skipped', '2026-11-26T14:00:00Z')
    event('workflow_run', { action: 'completed', workflow_run: skipped })
    await run()
    expect(failed()).toEqual([])
    expect(stand.hivel.requests).toEqual([])
    expect(core.notice).toHaveBeenCalledWith(
      expect.stringContaining('concluded skipped: nothing was deployed, so no deployment is sent.'),
      core.titled
    )
    expect(outputs()).toMatchObject({ deployment_id: '', incident_id: '' })
    expect(summary()).toContain('### Hivel incident not filed')
  })

  it('sends nothing for a run that has not completed, and says so', async () => {
    const running = { ...runOf(110, null, '2026-11-26T14:00:00Z'), status: 'in_progress' }
    event('workflow_run', { action: 'requested', workflow_run: running })
    await run()
    expect(stand.hivel.requests).toEqual([])
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining('has not completed: nothing was deployed'), core.titled)
  })

  it('sends nothing to the deployment API when deployments is not set', async () => {
    delete core.inputs.deployments
    const success = runOf(108, 'success', '2026-11-26T14:00:00Z')
    Object.assign(data, { runs: [success, runOf(107, 'success', '2026-11-26T13:00:00Z')] })
    event('workflow_run', { action: 'completed', workflow_run: success })
    await run()
    expect(stand.hivel.requests).toEqual([])
    expect(outputs().deployment_id).toBeUndefined()
  })
})

describe('deployments from deployment_status', () => {
  const deployment = { id: 40, sha: sha(40), ref: 'main', environment: 'staging', created_at: '2026-11-26T13:00:00Z' }

  it.each([
    ['success', 'success'],
    ['failure', 'failed'],
    ['error', 'failed']
  ])('sends a %s status as a %s deployment to its environment', async (state, status) => {
    Object.assign(data, { deployments: [deployment], statuses: { 40: [{ state, created_at: '2026-11-26T13:05:00Z' }] } })
    event('deployment_status', {
      deployment,
      deployment_status: { state, created_at: '2026-11-26T13:05:00Z', log_url: 'https://ci.example/40' }
    })
    await run()
    expect(failed()).toEqual([])
    expect(stand.hivel.requests[0].json).toMatchObject({
      deployment_id: `${REPO}/deployments/40`,
      status,
      environment: 'staging',
      branch: 'main',
      start_time: '2026-11-26T13:00:00Z',
      end_time: '2026-11-26T13:05:00Z',
      logs_url: 'https://ci.example/40'
    })
  })

  it.each(['inactive', 'in_progress', 'queued'])('sends nothing for %s', async state => {
    event('deployment_status', { deployment, deployment_status: { state, created_at: '2026-11-26T13:05:00Z' } })
    await run()
    expect(stand.hivel.requests).toEqual([])
    expect(core.notice).toHaveBeenCalledWith(expect.stringMatching(/so no deployment is sent\.$/), core.titled)
  })

  it('the environment input wins over the deployment’s', async () => {
    core.inputs.environment = 'prod-eu'
    core.inputs.image = 'ghcr.io/acme/shop:1.2.3'
    event('deployment_status', { deployment, deployment_status: { state: 'failure', created_at: '2026-11-26T13:05:00Z' } })
    await run()
    expect(stand.hivel.requests[0].json).toMatchObject({ environment: 'prod-eu', image: 'ghcr.io/acme/shop:1.2.3' })
  })
})

describe('a step inside the deploy workflow', () => {
  const job = (name: string, status: string, conclusion: string | null, started = '2026-11-26T13:00:00Z') => ({
    name,
    status,
    conclusion,
    started_at: started,
    completed_at: conclusion ? '2026-11-26T13:08:00Z' : null
  })

  it('reports this run from its jobs, files no incident, and needs no severity nor api-token', async () => {
    delete core.inputs.severity
    delete core.inputs['api-token']
    Object.assign(data, {
      jobs: {
        '500/1': [
          job('build', 'completed', 'success', '2026-11-26T12:58:00Z'),
          job('deploy', 'completed', 'success'),
          job('report', 'in_progress', null)
        ]
      },
      pulls: { [sha(500)]: 77 }
    })
    event('push', {})
    await run()
    expect(failed()).toEqual([])
    expect(sent()).toEqual([[DEPLOYMENT, `${REPO}/actions/runs/500/attempts/1`, 'success']])
    expect(stand.hivel.requests[0].json).toMatchObject({
      start_time: '2026-11-26T12:58:00Z',
      branch: 'main',
      build_number: '77',
      commit_hash: sha(500),
      pr_number: '77',
      logs_url: `https://github.com/${REPO}/actions/runs/500`
    })
  })

  it('takes its status from deploy-jobs, and names the jobs when one it names is not in the run', async () => {
    core.inputs['deploy-jobs'] = 'deploy'
    Object.assign(data, { jobs: { '500/1': [job('test', 'completed', 'failure'), job('deploy', 'completed', 'cancelled')] } })
    event('workflow_dispatch', {})
    await run()
    expect(sent()).toEqual([[DEPLOYMENT, `${REPO}/actions/runs/500/attempts/1`, 'cancelled']])
    core.inputs['deploy-jobs'] = 'ship'
    await run()
    expect(failed()).toEqual([
      expect.stringContaining(
        'deploy-jobs names "ship", not a job of this run. Accepted: job names as the run shows them, one of "test", "deploy".'
      )
    ])
  })

  it('sends nothing when no deploy job ran', async () => {
    Object.assign(data, { jobs: { '500/1': [job('deploy', 'completed', 'skipped')] } })
    event('push', {})
    await run()
    expect(stand.hivel.requests).toEqual([])
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining('(deploy: skipped): nothing was deployed'), core.titled)
  })

  it('a re-run 9 h later reports the deployment as it was sent, not ending now', async () => {
    Object.assign(data, { jobs: { '500/1': [job('deploy', 'completed', 'success'), job('report', 'in_progress', null)] } })
    event('push', {})
    clockAt('2026-11-26T13:10:00Z')
    try {
      await run()
      expect(stand.hivel.requests[0].json).toMatchObject({ start_time: '2026-11-26T13:00:00Z', end_time: '2026-11-26T13:10:00Z' })
      jest.setSystemTime(new Date('2026-11-26T22:10:00Z'))
      core.written.length = 0
      await run()
    } finally {
      jest.useRealTimers()
    }
    expect(failed()).toEqual([])
    expect(stand.hivel.requests).toHaveLength(1)
    expect(summary()).toContain('### Hivel deployment already sent')
    expect(summary()).toContain('2026-11-26 13:00 → 13:10 UTC (10 min)')
    expect(summary()).toContain(
      `Filed before, at 2026-11-26 13:10 UTC by https://github.com/${REPO}/actions/runs/500: shown as it was sent then.`
    )
    expect(summary()).toContain('| end_time | 2026-11-26T13:10:00Z |')
  })
})

describe('what keeps a deployment from being sent, or sent twice', () => {
  const success = runOf(109, 'success', '2026-11-26T14:00:00Z', { pull_requests: [{ number: 3 }] })

  it('refuses an environment and an image over 255 characters, both at once, and sends nothing', async () => {
    Object.assign(core.inputs, { environment: 'e'.repeat(256), image: 'i'.repeat(300) })
    event('workflow_run', { action: 'completed', workflow_run: success })
    await run()
    expect(stand.hivel.requests).toEqual([])
    expect(core.error.mock.calls.map(([m]) => String(m))).toEqual([
      "Input 'environment' is 256 characters long; Hivel accepts at most 255",
      "Input 'image' is 300 characters long; Hivel accepts at most 255",
      '2 inputs are invalid (environment, image); nothing was sent to Hivel.'
    ])
  })

  it('prints the exact request in a dry run, and sends nothing', async () => {
    core.inputs['dry-run'] = 'true'
    Object.assign(data, { runs: [success, runOf(108, 'success', '2026-11-26T13:00:00Z')] })
    event('workflow_run', { action: 'completed', workflow_run: success })
    await run()
    expect(stand.hivel.requests).toEqual([])
    const log = core.info.mock.calls.map(([m]) => String(m)).join('\n')
    expect(log).toContain(
      `POST ${stand.hivel.url}${DEPLOYMENT}\nX-API-Token: ***\n{\n  "deployment_id": "${REPO}/actions/runs/109/attempts/1"`
    )
    expect(summary()).toContain('### Hivel deployment (dry run: nothing sent)')
  })

  it('names a deployment Hivel may have (502) as unsure, and a re-run sends it not again', async () => {
    stand.answer = (req, res, count) => (req.url === DEPLOYMENT ? void res.writeHead(502).end() : hivel(req, res, count))
    Object.assign(data, { runs: [success, runOf(108, 'success', '2026-11-26T13:00:00Z')] })
    event('workflow_run', { action: 'completed', workflow_run: success })
    await run()
    expect(failed()).toEqual([
      expect.stringContaining(`Look in Hivel for a deployment with deployment_id ${REPO}/actions/runs/109/attempts/1`)
    ])
    expect(stand.github.ledger().deployments[`${REPO}/actions/runs/109/attempts/1`]).toMatchObject({ state: 'unsure' })
    expect(summary()).toContain('### Hivel deployment unsure')
    await run()
    expect(stand.hivel.requests).toHaveLength(1)
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining(`run the workflow with resend: ${REPO}/actions/runs/109/attempts/1`),
      core.titled
    )
  })
})

describe('deployment.ts: what a deployment is', () => {
  it.each([
    ['success', 'success'],
    ['failure', 'failed'],
    ['timed_out', 'failed'],
    ['startup_failure', 'failed'],
    ['cancelled', 'cancelled'],
    ['skipped', undefined],
    ['neutral', undefined],
    [null, undefined]
  ])('a run concluding %s is %s', (conclusion, status) => {
    expect(runDeploymentStatus(conclusion)).toBe(status)
  })

  it.each([
    ['success', 'success'],
    ['failure', 'failed'],
    ['error', 'failed'],
    ['inactive', undefined],
    ['pending', undefined]
  ])('a deployment status %s is %s', (state, status) => {
    expect(statusDeploymentStatus(state)).toBe(status)
  })

  it('lists every problem of a deployment at once: an end before its start, a commit that is no SHA', () => {
    const draft = {
      deploymentId: 'x/1',
      status: 'success' as const,
      start: new Date('2026-11-26T13:00:00Z'),
      end: new Date('2026-11-26T12:00:00Z'),
      repoUrl: 'https://github.com/acme/shop',
      branch: '',
      commit: 'abc'
    }
    const now = new Date('2026-11-27T00:00:00Z')
    let problems: string[] = []
    try {
      buildDeployment({}, draft, now)
    } catch (error) {
      if (error instanceof InputError) problems = error.problems
    }
    expect(problems).toEqual(
      [
        "Input 'the deployment's end_time' 2026-11-26T12:00:00.000Z is before its start 2026-11-26T13:00:00.000Z; accepted: a time at or after the start",
        "Input 'the deployment's branch' is required: the branch deployed",
        "Input 'the deployment's commit_hash' is not a 40-character commit SHA"
      ].sort((a, b) => problems.indexOf(a) - problems.indexOf(b))
    )
    expect(problems).toHaveLength(3)
  })
})

describe('a backfill with backfill-deployments', () => {
  const deployment = (id: number, created: string) => ({ id, sha: sha(id), ref: 'main', environment: 'production', created_at: created })
  const issue = (number: number, closed: string) =>
    closedIssue(number, closed, { created_at: '2026-11-02T09:00:00Z', comments: 1, labels: [{ name: 'incident' }] })
  /** A comment of a version before the ledger, recording an issue as filed. */
  const record = (number: number) => ({
    id: 9000 + number,
    body: `Filed.\n<!-- hivel-incident {"provider_id":"https://github.com/${REPO}/issues/${number}","incident_id":"old-${number}"} -->`,
    html_url: `https://github.com/${REPO}/issues/${number}#issuecomment-${9000 + number}`,
    user: { login: 'github-actions[bot]' }
  })

  beforeEach(() => {
    Object.assign(core.inputs, {
      'backfill-since': '2026-11-01T00:00:00Z',
      'backfill-until': '2026-11-27T00:00:00Z',
      'backfill-workflows': 'deploy.yml',
      'backfill-environments': 'production',
      'backfill-reverts': 'false',
      'backfill-deployments': 'true'
    })
    Object.assign(data, {
      workflows: [{ id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' }],
      runs: [
        runOf(205, 'success', '2026-11-20T12:00:00Z'),
        runOf(204, 'skipped', '2026-11-20T11:00:00Z'),
        runOf(203, 'failure', '2026-11-20T10:00:00Z'),
        runOf(202, 'success', '2026-10-20T10:00:00Z')
      ],
      deployments: [deployment(33, '2026-11-22T10:00:00Z'), deployment(32, '2026-11-21T10:00:00Z'), deployment(31, '2026-11-10T10:00:00Z')],
      statuses: {
        33: [{ state: 'in_progress', created_at: '2026-11-22T10:01:00Z' }],
        32: [{ state: 'failure', created_at: '2026-11-21T10:05:00Z' }],
        31: [
          { state: 'inactive', created_at: '2026-11-21T10:00:00Z' },
          { state: 'success', created_at: '2026-11-10T10:04:00Z' }
        ]
      },
      issues: [issue(4, '2026-11-05T10:00:00Z'), issue(3, '2026-11-04T10:00:00Z')],
      pulls: { [sha(203)]: 41, [sha(205)]: 42 }
    })
    // The stand-in keeps the comments it was started with, and what is posted.
    Object.assign(stand.github.comments, { 3: [record(3)], 4: [record(4)] })
    event('workflow_dispatch', {})
  })

  it('sends every deployment of the window before the incidents, each once, and imports the records of earlier versions in one list', async () => {
    await run()
    expect(failed()).toEqual([])
    expect(sent()).toEqual([
      [DEPLOYMENT, `${REPO}/actions/runs/205/attempts/1`, 'success'],
      [DEPLOYMENT, `${REPO}/actions/runs/203/attempts/1`, 'failed'],
      [DEPLOYMENT, `${REPO}/deployments/32`, 'failed'],
      [DEPLOYMENT, `${REPO}/deployments/31`, 'success'],
      [INCIDENT, `${REPO}/actions/runs/203`, undefined]
    ])
    // The inactive deployment's end is its success, read once more.
    expect(stand.hivel.requests[3].json).toMatchObject({ start_time: '2026-11-10T10:00:00Z', end_time: '2026-11-10T10:04:00Z' })
    // Both issues were filed by a version before the ledger: one list of comments says so.
    const asked = stand.github.requests.map(r => `${r.method} ${r.url.split('?')[0]}`)
    expect(asked.filter(a => a.includes('comments'))).toEqual([`GET /repos/${REPO}/issues/comments`])
    expect(JSON.parse(String(outputs().incidents))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider_id: `https://github.com/${REPO}/issues/3`, status: 'already filed', incident_id: 'old-3' })
      ])
    )
    expect(summary()).toContain('Deployments: 4 found, 4 filed.')
    stand.hivel.requests.length = 0
    await run()
    expect(stand.hivel.requests).toEqual([])
  })

  it('leaves a deployment whose pull request cannot be read not sent, in red, and reads each thread when the list of comments is refused', async () => {
    data.refuse = {
      [`/repos/${REPO}/commits/${sha(32)}/pulls`]: [403, { message: 'Resource not accessible by integration' }],
      [`/repos/${REPO}/issues/comments`]: [403, { message: 'Resource not accessible by integration' }]
    }
    await run()
    expect(failed()).toEqual([expect.stringContaining('Of 4 deployments, 1 were not sent: a re-run sends them')])
    expect(sent().map(([, id]) => id)).not.toContain(`${REPO}/deployments/32`)
    const asked = stand.github.requests.map(r => `${r.method} ${r.url.split('?')[0]}`)
    expect(asked.filter(a => a.includes('comments')).sort()).toEqual([
      `GET /repos/${REPO}/issues/3/comments`,
      `GET /repos/${REPO}/issues/4/comments`,
      `GET /repos/${REPO}/issues/41/comments`,
      `GET /repos/${REPO}/issues/comments`
    ])
  })
})
