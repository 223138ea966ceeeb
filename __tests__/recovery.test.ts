/**
 * Issues 9 and 10 on the built action (Node 24): a deploy workflow or environment that fails and
 * recovers is filed once, at recovery, spanning the outage, with the record that keeps re-runs from
 * filing twice; against loopback stand-ins of Hivel and of a GitHub API that serves paginated history.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, RunResult, TOKEN, useHivel } from '../__fixtures__/action.js'
import { REPO } from '../__fixtures__/github.js'
import { GITHUB_TOKEN, History, HistoryStandIn, runOf, runOnHistory, startHistory } from '../__fixtures__/history.js'
import { ganttBars, renderCharts } from '../__fixtures__/mermaid.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'

/** The live path reads a first page of 10 runs (the newest usually decide), then pages of 100. */
const RUNS_QUERY = `/repos/${REPO}/actions/workflows/7/runs?status=completed&exclude_pull_requests=true&branch=main`
const RUNS = `${RUNS_QUERY}&per_page=10`

const hivelServer = useHivel()

interface Ran {
  result: RunResult
  sent: Record<string, unknown>[]
  asked: string[]
  github: HistoryStandIn
}

/** Runs the built action on an event against the history, with only api-token and severity set. */
async function runOn(eventName: string, event: object, history: History, inputs: Record<string, string> = {}): Promise<Ran> {
  const { result, github } = await runOnHistory(history, hivelServer.url, { eventName, event, inputs })
  return { result, sent: hivelServer.requests.map(r => r.json as Record<string, unknown>), asked: github.asked(), github }
}

const recoveringEvent = (run: ReturnType<typeof runOf>) => ({ action: 'completed', workflow_run: run, workflow: { name: 'Deploy' } })
const pullsOf = (id: number) => `GET /repos/${REPO}/commits/${`${id}`.padStart(40, 'a')}/pulls`
const comments = (n: number) => `/repos/${REPO}/issues/${n}/comments`
/** The ledger's requests: read (its file only when it exists), and one commit. */
const LEDGER_REF = `GET /repos/${REPO}/git/ref/hivel/incidents`
const ledgerFile = (github: HistoryStandIn) =>
  `GET /repos/${REPO}/contents/incidents.json?ref=${github.git.refs.get('refs/hivel/incidents')}`
const ledgerCommit = (created: boolean) => [
  `POST /repos/${REPO}/git/trees`,
  `POST /repos/${REPO}/git/commits`,
  created ? `POST /repos/${REPO}/git/refs` : `PATCH /repos/${REPO}/git/refs/hivel/incidents`
]

describe('workflow_run: a deploy that fails at 10:00 and recovers at 13:12', () => {
  const success = runOf(105, 'success', '2026-11-26T13:12:00Z')
  const history: History = {
    runs: [
      runOf(106, 'failure', '2026-11-26T13:30:00Z'), // newer than the event
      success,
      runOf(104, 'failure', '2026-11-26T12:40:00Z'),
      runOf(103, 'cancelled', '2026-11-26T11:00:00Z'),
      runOf(102, 'timed_out', '2026-11-26T10:30:00Z'),
      runOf(101, 'failure', '2026-11-26T10:00:00Z'),
      runOf(100, 'success', '2026-11-26T09:00:00Z')
    ],
    pulls: { [`${101}`.padStart(40, 'a')]: 203 }
  }

  it('files one 3 h 12 min incident blaming the PR that broke it, records it, and a re-run files nothing', async () => {
    const first = await runOn('workflow_run', recoveringEvent(success), history)
    expect(first.result.code).toBe(0)
    expect(first.sent).toEqual([
      {
        severity: 'high',
        description: `Deploy failed on main for 3 h 12 min (3 failed runs) until ${success.html_url}`,
        reported_time: '2026-11-26T10:00:00Z',
        resolution_time: '2026-11-26T13:12:00Z',
        reported_by: 'mona',
        provider_id: `${REPO}/actions/runs/101`,
        repo_url: `https://github.com/${REPO}`,
        pr_number: '203'
      }
    ])
    // No ledger yet: the thread is read once for records of versions before it; reserved, sent, commented, confirmed.
    expect(first.asked).toEqual([
      `GET ${RUNS}`,
      pullsOf(101),
      LEDGER_REF,
      `GET ${comments(203)}?per_page=100`,
      ...ledgerCommit(true),
      `POST ${comments(203)}`,
      ...ledgerCommit(false)
    ])
    expect(first.github.ledger().incidents[`${REPO}/actions/runs/101`]).toMatchObject({ state: 'filed', incident_id: 'incident-1' })
    expect(first.result.outputs).toMatchObject({
      incident_id: 'incident-1',
      'duration-seconds': String(3 * 3600 + 12 * 60),
      duration: '3 h 12 min'
    })
    const record = first.github.comments[203][0].body
    expect(record).toContain('Filed with Hivel as incident **incident-1**: high, 2026-11-26 10:00 → 13:12 UTC (3 h 12 min)')
    expect(record).toContain(`<!-- hivel-incident {"provider_id":"${REPO}/actions/runs/101","incident_id":"incident-1"} -->`)
    expect(first.result.summary).toContain('#### The outage of Deploy on main')
    expect(first.result.summary.split('\n').slice(0, 3)).toEqual([
      '### Hivel incident incident-1 filed',
      '',
      `**Deploy on main** was down for 3 h 12 min, 2026-11-26 10:00 → 13:12 UTC (3 failures); filed as **incident-1**, blaming [#203](https://github.com/${REPO}/pull/203).`
    ])
    const svgs = await renderCharts(first.result.summary)
    if (svgs) expect(ganttBars(svgs[0])).toEqual(['run 101 failure (30 min)', 'run 102 timed_out (2 h 10 min)', 'run 104 failure (32 min)'])

    // A re-run of the same run, and a later recovery event of the same outage, read the record and send nothing.
    hivelServer.requests.length = 0
    const again = await runOn('workflow_run', recoveringEvent(success), {
      ...history,
      comments: first.github.comments,
      git: first.github.git
    })
    expect(again.result.code).toBe(0)
    expect(again.sent).toEqual([])
    expect(again.asked).toEqual([`GET ${RUNS}`, pullsOf(101), LEDGER_REF, ledgerFile(first.github)])
    expect(again.result.outputs.incident_id).toBe('incident-1')
    expect(again.result.shown).toMatch(
      /::notice::Already filed with Hivel as incident incident-1 \(https:\/\/github\.com\/.*#issuecomment-\d+\): nothing is sent again\./
    )
    expect(again.result.summary).toContain('already filed: nothing sent')
    expect(again.result.summary).toContain('(3 failures); already filed as **incident-1**, blaming')
    expect(again.result.summary).toMatch(
      /\nFiled before, at \d{4}-\d\d-\d\d \d\d:\d\d UTC by https:\/\/github\.com\/.*\/actions\/runs\/\d+: shown as it was sent then\.\n/
    )
    expect(again.result.outputs.payload).toBe(first.result.outputs.payload)
  })

  it('skips a success whose previous run succeeded, and failed or cancelled runs, sending nothing', async () => {
    const quiet = await runOn('workflow_run', recoveringEvent(runOf(100, 'success', '2026-11-26T09:00:00Z')), {
      runs: [
        runOf(100, 'success', '2026-11-26T09:00:00Z'),
        runOf(99, 'cancelled', '2026-11-26T08:00:00Z'),
        runOf(98, 'success', '2026-11-26T07:00:00Z')
      ]
    })
    expect(quiet.result.shown).toContain('the previous run succeeded: nothing to recover from')
    expect(quiet.sent).toEqual([])
    for (const conclusion of ['failure', 'cancelled']) {
      const skipped = await runOn('workflow_run', recoveringEvent(runOf(104, conclusion, '2026-11-26T12:40:00Z')), history)
      expect(skipped.result.code).toBe(0)
      expect(skipped.sent).toEqual([])
      expect(skipped.asked).toEqual([])
    }
  })

  it('reads an outage longer than one page of runs, following the Link header', async () => {
    const failures = Array.from({ length: 120 }, (_, i) =>
      runOf(300 - i, 'failure', new Date(Date.parse('2026-11-26T12:00:00Z') - i * 60_000).toISOString())
    )
    const recovered = runOf(301, 'success', '2026-11-26T12:30:00Z')
    const oldest = failures[failures.length - 1]
    const ran = await runOn(
      'workflow_run',
      recoveringEvent(recovered),
      {
        runs: [recovered, ...failures, runOf(100, 'success', '2026-11-26T09:00:00Z')],
        pulls: { [oldest.head_sha]: 77 }
      },
      { 'look-back': '200 runs', record: 'false' }
    )
    expect(ran.sent[0]).toMatchObject({
      reported_time: oldest.updated_at.replace('.000Z', 'Z'),
      provider_id: `${REPO}/actions/runs/${oldest.id}`,
      pr_number: '77'
    })
    expect(ran.asked).toEqual([
      `GET ${RUNS}`,
      `GET ${RUNS_QUERY}&per_page=100`,
      `GET ${RUNS_QUERY}&per_page=100&page=2`,
      pullsOf(oldest.id)
    ])
  })

  it('files from the earliest failure seen, with a warning, when no success is within the look-back', async () => {
    const ran = await runOn(
      'workflow_run',
      recoveringEvent(success),
      { ...history, pulls: { [`${104}`.padStart(40, 'a')]: 204 } },
      { 'look-back': '2 runs', record: 'false' }
    )
    // Run 104 failed and 103 was cancelled: the third older run is past the look-back.
    expect(ran.sent[0]).toMatchObject({ reported_time: '2026-11-26T12:40:00Z', pr_number: '204' })
    expect(ran.result.shown).toContain('::warning::no successful run was found within the look-back (2 runs)')
  })

  it('names actions: read when the runs cannot be listed, and sends nothing', async () => {
    const ran = await runOn('workflow_run', recoveringEvent(success), {
      ...history,
      refuse: { [`/repos/${REPO}/actions/workflows/7/runs`]: [403, { message: 'Resource not accessible by integration' }] }
    })
    expect(ran.result.code).toBe(1)
    expect(ran.result.shown).toContain("Add `actions: read` to the job's `permissions:`")
    expect(ran.sent).toEqual([])
  })

  it('never pairs a success with failures of another branch', async () => {
    const ran = await runOn('workflow_run', recoveringEvent(success), {
      runs: [
        success,
        runOf(104, 'failure', '2026-11-26T12:40:00Z', { head_branch: 'release' }),
        runOf(100, 'success', '2026-11-26T09:00:00Z')
      ]
    })
    expect(ran.result.shown).toContain('the previous run succeeded: nothing to recover from')
    expect(ran.sent).toEqual([])
    expect(ran.asked).toEqual([`GET ${RUNS}`])
  })

  it('names actions: read when an earlier attempt cannot be read', async () => {
    const attempt2 = { ...success, run_attempt: 2 }
    const ran = await runOn('workflow_run', recoveringEvent(attempt2), {
      refuse: { [`/repos/${REPO}/actions/runs/105/attempts/1`]: [403, { message: 'Resource not accessible by integration' }] }
    })
    expect(ran.result.code).toBe(1)
    expect(ran.result.shown).toContain(
      'Could not read attempt 1 of run 105: GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `actions: read`'
    )
    expect(ran.sent).toEqual([])
  })

  it('files a failed attempt 1 recovered by attempt 2 of the same run', async () => {
    const attempt2 = { ...runOf(105, 'success', '2026-11-26T13:12:00Z'), run_attempt: 2 }
    const ran = await runOn(
      'workflow_run',
      recoveringEvent(attempt2),
      {
        attempts: { '105/1': runOf(105, 'failure', '2026-11-26T12:50:00Z') },
        pulls: { [attempt2.head_sha]: 9 }
      },
      { record: 'false' }
    )
    expect(ran.sent[0]).toMatchObject({
      reported_time: '2026-11-26T12:50:00Z',
      resolution_time: '2026-11-26T13:12:00Z',
      provider_id: `${REPO}/actions/runs/105`
    })
    expect(ran.asked).toEqual([`GET /repos/${REPO}/actions/runs/105/attempts/1`, `GET ${RUNS}`, pullsOf(105)])
  })
})

describe('deployment_status: an environment that fails, errors and recovers', () => {
  const deployment = (id: number, created: string) => ({
    id,
    sha: `${id}`.padStart(40, 'd'),
    environment: 'production',
    created_at: created
  })
  const event = {
    deployment: deployment(30, '2026-11-26T13:00:00Z'),
    deployment_status: {
      state: 'success',
      created_at: '2026-11-26T13:12:00Z',
      target_url: 'https://deploy.acme.example/30',
      environment: 'production'
    }
  }
  const history: History = {
    deployments: [
      deployment(30, '2026-11-26T13:00:00Z'),
      deployment(29, '2026-11-26T11:00:00Z'),
      deployment(28, '2026-11-26T09:55:00Z'),
      deployment(27, '2026-11-26T08:00:00Z')
    ],
    statuses: {
      29: [{ state: 'error', created_at: '2026-11-26T11:05:00Z' }],
      28: [
        { state: 'failure', created_at: '2026-11-26T10:00:00Z' },
        { state: 'in_progress', created_at: '2026-11-26T09:56:00Z' }
      ],
      27: [{ state: 'inactive', created_at: '2026-11-26T09:59:00Z' }]
    },
    pulls: { [`${28}`.padStart(40, 'd')]: 198 }
  }

  it("spans the first failure status to this success, blaming the first failed deployment's pull request", async () => {
    const ran = await runOn('deployment_status', event, history, { record: 'false' })
    expect(ran.result.code).toBe(0)
    expect(ran.sent[0]).toMatchObject({
      reported_time: '2026-11-26T10:00:00Z',
      resolution_time: '2026-11-26T13:12:00Z',
      provider_id: `${REPO}/deployments/28`,
      pr_number: '198',
      description: 'Deployment to production failed for 3 h 12 min (2 failed deployments) until https://deploy.acme.example/30'
    })
    const D = `/repos/${REPO}/deployments`
    expect(ran.asked).toEqual([
      `GET ${D}?environment=production&per_page=10`,
      `GET ${D}/29/statuses?per_page=1`,
      `GET ${D}/28/statuses?per_page=1`,
      `GET ${D}/27/statuses?per_page=1`,
      `GET /repos/${REPO}/commits/${`${28}`.padStart(40, 'd')}/pulls`
    ])
  })

  it.each([
    ['the deployments', `/repos/${REPO}/deployments`],
    ["a deployment's statuses", `/repos/${REPO}/deployments/29/statuses`]
  ])('names deployments: read when %s cannot be read, and sends nothing', async (_what, refused) => {
    const ran = await runOn('deployment_status', event, {
      ...history,
      refuse: { [refused]: [403, { message: 'Resource not accessible by integration' }] }
    })
    expect(ran.result.code).toBe(1)
    expect(ran.result.shown).toContain("Add `deployments: read` to the job's `permissions:`")
    expect(ran.sent).toEqual([])
  })

  it('files at failure with file-on: failure', async () => {
    const failed = {
      deployment: deployment(28, '2026-11-26T09:55:00Z'),
      deployment_status: { state: 'failure', created_at: '2026-11-26T10:00:00Z', environment: 'production' }
    }
    const ran = await runOn('deployment_status', failed, history, { 'file-on': 'failure', record: 'false' })
    expect(ran.sent[0]).toMatchObject({ reported_time: '2026-11-26T10:00:00Z', provider_id: `${REPO}/deployments/28` })
  })
})

describe('the record: filed exactly once', () => {
  const issueEvent = {
    action: 'closed',
    issue: {
      number: 412,
      html_url: `https://github.com/${REPO}/issues/412`,
      title: 'Checkout down',
      body: 'Caused by #203',
      created_at: '2026-11-25T14:00:00Z',
      closed_at: '2026-11-25T15:45:00Z',
      state_reason: 'completed',
      user: { login: 'mona' },
      labels: [{ name: 'incident' }, { name: 'sev2' }]
    }
  }
  const marker = (providerId: string, id: string) => `<!-- hivel-incident {"provider_id":"${providerId}","incident_id":"${id}"} -->`
  const issueUrl = issueEvent.issue.html_url

  it('files a re-closed issue once: the second close finds the ledger, or (before the ledger) the comment', async () => {
    const first = await runOn('issues', issueEvent, {}, { severity: '' })
    expect(first.sent).toHaveLength(1)
    expect(first.asked).toEqual([
      LEDGER_REF,
      `GET ${comments(412)}?per_page=100`,
      ...ledgerCommit(true),
      `POST ${comments(412)}`,
      ...ledgerCommit(false)
    ])
    hivelServer.requests.length = 0
    const second = await runOn('issues', issueEvent, { comments: first.github.comments, git: first.github.git }, { severity: '' })
    expect(second.sent).toEqual([])
    expect(second.asked).toEqual([LEDGER_REF, ledgerFile(first.github)])
    expect(second.result.outputs.incident_id).toBe('incident-1')
    // A repository whose only record is the comment an earlier version left: imported once into a new ledger.
    const upgraded = await runOn('issues', issueEvent, { comments: first.github.comments }, { severity: '' })
    expect(upgraded.sent).toEqual([])
    expect(upgraded.result.outputs.incident_id).toBe('incident-1')
    expect(upgraded.github.ledger()).toMatchObject({
      imported_threads: [412],
      incidents: { [issueUrl]: { state: 'filed', incident_id: 'incident-1' } }
    })
  })

  it("ignores a forged marker: another author's comment, or an id that is not plain, records nothing", async () => {
    const forged = (login: string, id: string) => ({ id: 1, body: `+1 ${marker(issueUrl, id)}`, html_url: 'u1', user: { login } })
    const thread = [forged('mallory', 'x'), forged('github-actions[bot]', 'x\\"; touch pwned; echo \\"')]
    const ran = await runOn('issues', issueEvent, { comments: { 412: thread } }, { severity: '' })
    expect(ran.sent).toHaveLength(1)
    expect(ran.result.outputs.incident_id).toBe('incident-1')
    expect(ran.github.ledger().incidents[issueUrl]).toMatchObject({ state: 'filed', incident_id: 'incident-1' })
  })

  it('files when the thread records another incident, or a marker it cannot read', async () => {
    const thread = [
      { id: 1, body: marker('other/provider', 'inc-1'), html_url: 'u1' },
      { id: 2, body: '<!-- hivel-incident {"provider_id": broken} -->', html_url: 'u2' },
      { id: 3, body: `<!-- hivel-incident {"provider_id":"${issueUrl}"} -->`, html_url: 'u3' }
    ]
    const ran = await runOn('issues', issueEvent, { comments: { 412: thread } }, { severity: '' })
    expect(ran.sent).toHaveLength(1)
  })

  it('sends nothing when a thread that may hold an earlier record cannot be read, and says so', async () => {
    const denied: [number, unknown] = [403, { message: 'Resource not accessible by integration' }]
    const ran = await runOn('issues', issueEvent, { refuse: { [comments(412)]: denied } }, { severity: '' })
    expect(ran.result.code).toBe(1)
    expect(ran.sent).toHaveLength(0)
    expect(ran.result.shown).toMatch(/::error::Not sent: its record on #412 could not be read .*issues: write/)
  })

  it('files once and warns when the comment cannot be left: the ledger holds the record', async () => {
    const ledger = JSON.stringify({ version: 1, created_at: '2026-01-01T00:00:00Z', imported_threads: [], incidents: {} })
    const denied: [number, unknown] = [403, { message: 'Resource not accessible by integration' }]
    const ran = await runOn('issues', issueEvent, { refuse: { [comments(412)]: denied }, ledger }, { severity: '' })
    expect(ran.result.code).toBe(0)
    expect(ran.sent).toHaveLength(1)
    expect(ran.result.outputs.incident_id).toBe('incident-1')
    const warnings = ran.result.shown.split('\n').filter(l => l.startsWith('::warning::'))
    expect(warnings).toEqual([
      expect.stringContaining('the ledger holds the record, so nothing is filed twice'),
      expect.stringContaining(
        'GitHub refused github-token this permission. Add to the job (a permissions: block grants nothing it does not list; for a personal access token, grant them to the token):%0Apermissions:%0A  issues: write'
      )
    ])
  })

  it('asks nothing about comments with record: false', async () => {
    const ran = await runOn('issues', issueEvent, {}, { severity: '', record: 'false' })
    expect(ran.sent).toHaveLength(1)
    expect(ran.asked).toEqual([])
  })

  it('keeps the id and exits 0 when the summary cannot be written after Hivel filed it', async () => {
    const github = await startHistory({})
    try {
      const result = await runAction({
        node: RUNNER_NODE,
        eventName: 'issues',
        event: issueEvent,
        env: { GITHUB_API_URL: github.url, GITHUB_STEP_SUMMARY: '/nonexistent/dir/summary' },
        inputs: { 'api-token': TOKEN, 'base-url': hivelServer.url, 'github-token': GITHUB_TOKEN },
        timeoutMs: 30_000
      })
      expect(result.code).toBe(0)
      expect(result.outputs.incident_id).toBe('incident-1')
      expect(result.shown).toMatch(/::warning::Could not write the job summary/)
      expect(hivelServer.requests).toHaveLength(1)
    } finally {
      await github.close()
    }
  })
})
