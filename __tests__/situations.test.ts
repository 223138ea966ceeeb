/**
 * Zero-config incidents: the built action (dist/index.js under the runner's Node) in each situation
 * of issue 4, with only api-token (and severity where no event gives it) set, against stand-ins
 * of Hivel and of the GitHub API serving realistic event payloads and API answers.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { Received, runAction, RunResult, TOKEN, useHivel } from '../__fixtures__/action.js'
import { wallBound } from '../__fixtures__/bounds.js'
import {
  denied,
  eventFixture,
  EventName,
  job,
  jobsList,
  NEVER_ANSWERS,
  path,
  pull,
  REPO,
  RUN_URL,
  runAttempt,
  runPullRequest,
  SHA,
  startGitHub
} from '../__fixtures__/github.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'

/** The github-token the step gets; it may go to the GitHub API stand-in only. */
const GITHUB_TOKEN = 'ghs_standInGitHubToken0123456789abcdef'
const REPO_URL = `https://github.com/${REPO}`

/**
 * The defaults action.yml declares: the runner passes them as inputs whenever `with:` leaves an input
 * out, so a default there can shadow one the event gives. Read leniently: YAML slips are the contract's to report.
 */
const actionYml = parseDocument(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')).toJS() as {
  inputs: Record<string, { default?: string }>
}
const RUNNER_DEFAULTS = Object.fromEntries(
  Object.entries(actionYml.inputs).flatMap(([name, input]) =>
    input.default === undefined || input.default.includes('${{') ? [] : [[name, input.default]]
  )
)

const hivelServer = useHivel()

interface Situation {
  eventName: string
  event: EventName | object
  /** The GitHub API's answers, by path. */
  routes?: Parameters<typeof startGitHub>[0]
  /** Inputs beyond api-token, base-url and github-token. */
  inputs?: Record<string, string>
}

interface Outcome {
  result: RunResult
  /** The JSON bodies Hivel received. */
  sent: unknown[]
  /** The GitHub API requests, as "GET /path". */
  asked: string[]
}

/** Runs the built action in a situation, then checks that neither token went anywhere it must not. */
async function runIn({ eventName, event, routes = {}, inputs = {} }: Situation): Promise<Outcome> {
  const github = await startGitHub(routes)
  try {
    const result = await runAction({
      node: RUNNER_NODE,
      eventName,
      event: typeof event === 'string' ? eventFixture(event) : event,
      env: { GITHUB_API_URL: github.url },
      // The record has tests of its own (ledger.test.ts); here only the defaults are asked of GitHub.
      inputs: {
        ...RUNNER_DEFAULTS,
        record: 'false',
        'api-token': TOKEN,
        'base-url': hivelServer.url,
        'github-token': GITHUB_TOKEN,
        ...inputs
      },
      timeoutMs: 20_000
    })
    for (const request of github.requests) expect(request.headers.authorization).toBe(`token ${GITHUB_TOKEN}`)
    expect(JSON.stringify(github.requests)).not.toContain(TOKEN)
    expect(JSON.stringify(hivelServer.requests)).not.toContain(GITHUB_TOKEN)
    for (const text of [result.shown, result.summary, JSON.stringify(result.outputs)]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(GITHUB_TOKEN)
    }
    return { result, sent: hivelServer.requests.map(r => r.json), asked: github.asked() }
  } finally {
    await github.close()
  }
}

/** A successful filing: exit 0, one incident, incident_id and payload set to what Hivel got. */
function expectFiled({ result, sent }: Outcome): Record<string, unknown> {
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  expect(sent).toHaveLength(1)
  expect(result.outputs.incident_id).toBe('incident-1')
  expect(JSON.parse(result.outputs.payload)).toEqual(sent[0])
  expect(result.summary).toContain('### Hivel incident incident-1 filed')
  expect(result.summary).toContain('| Incident id | incident-1 |')
  return sent[0] as Record<string, unknown>
}

/** A skip: exit 0, a notice saying why, nothing sent, empty outputs. */
function expectSkipped({ result, sent }: Outcome, reason: string): void {
  expect(result.code).toBe(0)
  expect(result.shown).toContain(`::notice::${reason}`)
  expect(sent).toHaveLength(0)
  expect(result.outputs).toEqual({ incident_id: '', payload: '', 'duration-seconds': '', duration: '' })
}

/** A failure before sending: exit 1 with the message as the step's error, nothing sent. */
function expectRefused({ result, sent }: Outcome, message: string): void {
  expect(result.code).toBe(1)
  expect(result.shown).toContain(`::error::${message}`)
  expect(sent).toHaveLength(0)
  expect(result.outputs.incident_id).toBeUndefined()
}

const ISO_NOW = expect.stringMatching(/^2\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/)
const row = (label: string, value: string, from: string) => `| ${label} | ${value} | ${from} |`

describe('a rollback job in the same run', () => {
  const jobs = jobsList(
    job('build', 'success', '2026-11-26T07:55:20Z', '2026-11-26T07:58:02Z'),
    job('smoke-test', 'failure', '2026-11-26T08:03:10Z', '2026-11-26T08:06:45Z'),
    job('deploy-prod', 'failure', '2026-11-26T07:58:10Z', '2026-11-26T08:04:30Z'),
    job('rollback', null, '2026-11-26T08:07:00Z', null)
  )
  const pulls = [pull(190, null), pull(203, { merged_at: '2026-11-26T07:55:08Z', merge_commit_sha: SHA })]

  it('dates the incident from the earliest failed job and takes the merged pull request of the pushed commit', async () => {
    const outcome = await runIn({
      eventName: 'push',
      event: 'push',
      routes: { [path.jobs()]: jobs, [path.pulls()]: pulls },
      inputs: { severity: 'sev2' }
    })
    expect(expectFiled(outcome)).toEqual({
      severity: 'high',
      description: `Deploy failed: deploy-prod, smoke-test (${RUN_URL})`,
      reported_time: '2026-11-26T08:04:30Z',
      resolution_time: ISO_NOW,
      reported_by: 'octocat',
      provider_id: `${REPO}/actions/runs/1234`,
      repo_url: REPO_URL,
      pr_number: '203'
    })
    expect(outcome.asked).toEqual([`GET ${path.jobs()}`, `GET ${path.pulls()}`])
    const { summary } = outcome.result
    expect(summary).toContain(row('Severity', 'high', 'input'))
    expect(summary).toContain(row('Reported', '2026-11-26 08:04 UTC', 'GitHub API'))
    expect(summary).toMatch(/\| Resolved \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \| default \|/)
    expect(summary).toMatch(/\| Time to recovery \| \d+ (h|d)( \d+ (min|h))? \| {2}\|/)
    expect(summary).toContain(row('Description', `Deploy failed: deploy-prod, smoke-test (${RUN_URL})`, 'GitHub API'))
    expect(summary).toContain(row('Pull request', `[#203](${REPO_URL}/pull/203)`, 'GitHub API'))
    expect(summary).toContain(row('Reported by', 'octocat', 'run'))
    expect(summary).toContain(row('Provider id', `${REPO}/actions/runs/1234`, 'run'))
  })

  it("dates it from the run attempt's start when no job failed", async () => {
    const outcome = await runIn({
      eventName: 'push',
      event: 'push',
      routes: {
        [path.jobs()]: jobsList(
          job('build', 'success', '2026-11-26T07:55:20Z', '2026-11-26T07:58:02Z'),
          job('report', null, '2026-11-26T07:58:10Z', null)
        ),
        [path.attempt()]: runAttempt('2026-11-26T07:55:14Z'),
        [path.pulls()]: pulls
      },
      inputs: { severity: 'high' }
    })
    expect(expectFiled(outcome)).toMatchObject({
      reported_time: '2026-11-26T07:55:14Z',
      description: `Deploy reported an incident (${RUN_URL})`,
      pr_number: '203'
    })
    expect(outcome.asked).toEqual([`GET ${path.jobs()}`, `GET ${path.attempt()}`, `GET ${path.pulls()}`])
  })

  it('fails naming actions: read when the token may not list the jobs, and sends nothing', async () => {
    const outcome = await runIn({
      eventName: 'push',
      event: 'push',
      routes: { [path.jobs()]: denied, [path.pulls()]: pulls },
      inputs: { severity: 'high' }
    })
    expectRefused(
      outcome,
      "Could not list the jobs of run 1234: GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `actions: read` to the job's `permissions:`. Or set reported-time."
    )
    // The pull request is asked for all the same, so that one run names every permission it lacks.
    expect(outcome.asked).toEqual([`GET ${path.jobs()}`, `GET ${path.pulls()}`])
  })

  it('fails naming pull-requests: read when the token may not list the pull requests of a commit', async () => {
    const outcome = await runIn({
      eventName: 'push',
      event: 'push',
      routes: { [path.jobs()]: jobs, [path.pulls()]: denied },
      inputs: { severity: 'high' }
    })
    expectRefused(
      outcome,
      "Could not find the pull request of commit 0123456: GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `pull-requests: read` to the job's `permissions:`. Or set pr-number."
    )
  })

  it('fails saying how to pass pr-number when the commit belongs to no pull request', async () => {
    const outcome = await runIn({
      eventName: 'push',
      event: 'push',
      routes: { [path.jobs()]: jobs, [path.pulls()]: [] },
      inputs: { severity: 'high' }
    })
    expect(outcome.result.shown).toContain('GitHub lists no pull request for commit 0123456.')
    // A commit pushed without a pull request is no invalid input (issue 21, item 12).
    expectRefused(
      outcome,
      'GitHub lists no pull request for commit 0123456 (pushed without one), so this incident has no change to blame and nothing was sent. Set pr-number to the pull request whose change caused it (44, #44 or its URL).'
    )
    expect(outcome.asked).toEqual([`GET ${path.jobs()}`, `GET ${path.pulls()}`])
  })

  it('gives up on a GitHub API that does not answer within timeout-seconds', async () => {
    const outcome = await runIn({
      eventName: 'push',
      event: 'push',
      routes: { [path.jobs()]: NEVER_ANSWERS },
      inputs: { severity: 'high', 'timeout-seconds': '1' }
    })
    expectRefused(
      outcome,
      'Could not list the jobs of run 1234: the GitHub API did not answer within 1 s (3 attempts). Or set reported-time.'
    )
    // Three attempts of 1 s (and the backoff between them); without the time-out, 30 s each.
    expect(outcome.result.ms).toBeLessThan(wallBound(3000))
  })

  it('takes the pull request of a pull_request event from the event', async () => {
    const outcome = await runIn({
      eventName: 'pull_request',
      event: { ...eventFixture('pull_request'), action: 'synchronize' },
      routes: { [path.jobs()]: jobs },
      inputs: { severity: 'high' }
    })
    expect(expectFiled(outcome)).toMatchObject({ pr_number: '71', reported_time: '2026-11-26T08:04:30Z' })
    expect(outcome.result.summary).toContain(row('Pull request', `[#71](${REPO_URL}/pull/71)`, 'event'))
    expect(outcome.asked).toEqual([`GET ${path.jobs()}`])
  })
})

describe('workflow_run with file-on: failure (time to notice, as before recovery was the default)', () => {
  const failed = eventFixture('workflow_run')
  const headSha = failed.workflow_run.head_sha as string
  const runUrl = failed.workflow_run.html_url as string
  const withRun = (change: object) => ({ ...failed, workflow_run: { ...failed.workflow_run, ...change } })

  it('files the failed run: finished at updated_at, its branch and URL, its first pull request, its run id', async () => {
    const outcome = await runIn({
      eventName: 'workflow_run',
      event: withRun({ pull_requests: [runPullRequest(207), runPullRequest(190)] }),
      inputs: { severity: 'critical', 'file-on': 'failure' }
    })
    expect(expectFiled(outcome)).toEqual({
      severity: 'critical',
      description: `Deploy failed on main (${runUrl})`,
      reported_time: '2026-11-26T08:14:52Z',
      resolution_time: ISO_NOW,
      reported_by: 'mona',
      provider_id: `${REPO}/actions/runs/11872340561`,
      repo_url: REPO_URL,
      pr_number: '207'
    })
    expect(outcome.asked).toEqual([])
    expect(outcome.result.summary).toContain(row('Reported', '2026-11-26 08:14 UTC', 'event'))
    expect(outcome.result.summary).toContain(row('Pull request', `[#207](${REPO_URL}/pull/207)`, 'event'))
  })

  it('asks for the pull request of the head commit when the run lists none', async () => {
    const pulls = [pull(203, { merged_at: '2026-11-26T07:55:08Z', merge_commit_sha: headSha })]
    const outcome = await runIn({
      eventName: 'workflow_run',
      event: 'workflow_run',
      routes: { [path.pulls(headSha)]: pulls },
      inputs: { severity: 'high', 'file-on': 'failure' }
    })
    expect(expectFiled(outcome)).toMatchObject({ pr_number: '203', reported_time: '2026-11-26T08:14:52Z' })
    expect(outcome.asked).toEqual([`GET ${path.pulls(headSha)}`])
    expect(outcome.result.summary).toContain(row('Pull request', `[#203](${REPO_URL}/pull/203)`, 'GitHub API'))
  })

  it('skips a successful run with a notice, asking and sending nothing', async () => {
    const outcome = await runIn({
      eventName: 'workflow_run',
      event: withRun({ conclusion: 'success' }),
      inputs: { severity: 'high', 'file-on': 'failure' }
    })
    expectSkipped(outcome, `Workflow run ${runUrl} succeeded: with file-on: failure only failed runs are filed.`)
    expect(outcome.asked).toEqual([])
  })
})

describe('deployment_status with file-on: failure', () => {
  const status = eventFixture('deployment_status')
  const deploySha = status.deployment.sha as string
  const withState = (state: string) => ({ ...status, deployment_status: { ...status.deployment_status, state } })
  const routes = { [path.pulls(deploySha)]: [pull(198, { merged_at: '2026-11-26T07:20:00Z', merge_commit_sha: deploySha })] }

  it.each([
    ['failure', 'failed'],
    ['error', 'errored']
  ])('files a %s status: created_at, the environment and target_url, the pull request of the deployed sha', async (state, word) => {
    const outcome = await runIn({
      eventName: 'deployment_status',
      event: withState(state),
      routes,
      inputs: { severity: 'high', 'file-on': 'failure' }
    })
    expect(expectFiled(outcome)).toEqual({
      severity: 'high',
      description: `Deployment to production ${word}: Health check failed after 3 attempts (https://deploy.acme.example/releases/812)`,
      reported_time: '2026-11-26T07:31:05Z',
      resolution_time: ISO_NOW,
      reported_by: 'octocat',
      provider_id: `${REPO}/deployments/${status.deployment.id}`,
      repo_url: REPO_URL,
      pr_number: '198'
    })
    expect(outcome.asked).toEqual([`GET ${path.pulls(deploySha)}`])
  })

  it('skips a success status with a notice', async () => {
    const outcome = await runIn({
      eventName: 'deployment_status',
      event: withState('success'),
      routes,
      inputs: { severity: 'high', 'file-on': 'failure' }
    })
    expectSkipped(
      outcome,
      `Deployment ${status.deployment.id} to production is success: with file-on: failure only failure and error are incidents.`
    )
    expect(outcome.asked).toEqual([])
  })
})

describe('issues: an incident tracked as an issue, filed when it is closed', () => {
  const closed = eventFixture('issues')
  const withIssue = (change: object, action = 'closed') => ({ ...closed, action, issue: { ...closed.issue, ...change } })
  const issueUrl = closed.issue.html_url as string

  it('files the whole incident from the issue, with only api-token set and no GitHub API call', async () => {
    const outcome = await runIn({ eventName: 'issues', event: 'issues' })
    expect(expectFiled(outcome)).toEqual({
      severity: 'high',
      description: 'Checkout returns 500 for card payments',
      affected_systems: ['payments', 'database'],
      reported_time: '2026-11-25T14:02:11Z',
      resolution_time: '2026-11-25T15:47:40Z',
      reported_by: 'mona',
      provider_id: issueUrl,
      repo_url: REPO_URL,
      pr_number: '203'
    })
    expect(outcome.asked).toEqual([])
    const { summary } = outcome.result
    expect(summary).toContain('| Time to recovery | 1 h 45 min |')
    for (const [label, value] of [
      ['Severity', 'high'],
      ['Description', 'Checkout returns 500 for card payments'],
      ['Affected systems', 'payments, database'],
      ['Reported', '2026-11-25 14:02 UTC'],
      ['Resolved', '2026-11-25 15:47 UTC'],
      ['Reported by', 'mona'],
      ['Provider id', issueUrl],
      ['Pull request', `[#203](${REPO_URL}/pull/203)`]
    ]) {
      expect(summary).toContain(row(label, value, 'event'))
    }
  })

  it.each([
    ['severity:critical', 'critical'],
    ['sev1', 'critical'],
    ['P2', 'high'],
    ['sev-4', 'low'],
    ['severity: high', 'high'],
    ['Severity: Major', 'high'],
    ['severity:crit', 'critical']
  ])('reads the severity label %s as %s', async (label, severity) => {
    const outcome = await runIn({ eventName: 'issues', event: withIssue({ labels: [{ name: 'incident' }, { name: label }] }) })
    expect(expectFiled(outcome)).toMatchObject({ severity })
  })

  it.each([
    [
      'a pull request URL',
      'Rolled back with https://github.com/acme/checkout-service/pull/205; the cause was https://github.com/acme/checkout-service/pull/204',
      '205'
    ],
    ['a "PR:" line', 'Card payments failed.\n\n**PR:** #204\n\nFixed by #205', '204'],
    [
      '"Caused by #203" after other references',
      'See #199 and https://github.com/acme/checkout-service/issues/400.\n\nCaused by PR #203',
      '203'
    ]
  ])('takes the pull request from %s', async (_what, body, pr) => {
    const outcome = await runIn({ eventName: 'issues', event: withIssue({ body }) })
    expect(expectFiled(outcome)).toMatchObject({ pr_number: pr, repo_url: REPO_URL })
  })

  it("reads the issue form's answers; a pull request of another repository is attributed to that repository", async () => {
    const outcome = await runIn({ eventName: 'issues', event: 'issues-form' })
    expect(expectFiled(outcome)).toMatchObject({
      severity: 'medium',
      affected_systems: ['search', 'catalog'],
      pr_number: '88',
      repo_url: 'https://github.com/acme/search-service',
      reported_time: '2026-11-25T09:10:00Z',
      resolution_time: '2026-11-25T09:35:30Z'
    })
  })

  it('skips an issue without the incident label', async () => {
    const outcome = await runIn({ eventName: 'issues', event: withIssue({ labels: [{ name: 'bug' }, { name: 'sev2' }] }) })
    expectSkipped(outcome, `Issue ${issueUrl} has no 'incident' label: not an incident.`)
    expect(outcome.asked).toEqual([])
  })

  it('skips an incident issue that is not closed', async () => {
    const outcome = await runIn({
      eventName: 'issues',
      event: withIssue({ state: 'open', closed_at: null, state_reason: null }, 'reopened')
    })
    expectSkipped(outcome, `Issue ${issueUrl} was reopened, not closed: an incident is filed when its issue is closed.`)
  })

  it('fails telling what to write when the body names no pull request', async () => {
    const outcome = await runIn({ eventName: 'issues', event: withIssue({ body: 'Card payments failed. Fixed by #205.' }) })
    expectRefused(
      outcome,
      `Issue ${issueUrl} names no pull request: add a line such as "Caused by #203", "PR: #203" or the pull request's URL to its body, or set pr-number. Then reopen and close the issue (a re-run would read the issue as it was).`
    )
    expect(outcome.asked).toEqual([])
  })

  it('fails telling how to give a severity when no label or line gives one', async () => {
    const outcome = await runIn({ eventName: 'issues', event: withIssue({ labels: [{ name: 'incident' }] }) })
    expectRefused(
      outcome,
      `Issue ${issueUrl} has no severity: add a label such as severity:high, sev1 or P2 (or a "Severity: high" line to its body), or set severity. Then reopen and close the issue (a re-run would read the issue as it was).`
    )
  })
})

describe('workflow_dispatch: a form a person fills in', () => {
  it('files what the form gives, asking the GitHub API nothing', async () => {
    const form = eventFixture('workflow_dispatch').inputs as Record<string, string>
    const outcome = await runIn({ eventName: 'workflow_dispatch', event: 'workflow_dispatch', inputs: form })
    expect(expectFiled(outcome)).toEqual({
      severity: 'high',
      description: 'Checkout API timing out after deploy',
      affected_systems: ['checkout', 'payments'],
      reported_time: '2026-11-26T06:40:00Z',
      resolution_time: ISO_NOW,
      reported_by: 'octocat',
      provider_id: `${REPO}/actions/runs/1234`,
      repo_url: REPO_URL,
      pr_number: '203'
    })
    expect(outcome.asked).toEqual([])
    expect(outcome.result.summary).toContain(row('Reported', '2026-11-26 06:40 UTC', 'input'))
  })
})

describe('an explicit input always wins over a default', () => {
  it('sends every given input over what the issue says, asking nothing', async () => {
    const inputs = {
      severity: 'low',
      description: 'Given description',
      'affected-systems': 'web',
      'reported-time': '2026-11-25T13:00:00Z',
      'resolution-time': '2026-11-25T13:30:00Z',
      'reported-by': 'pagerduty',
      'provider-id': 'PD-123',
      'repo-url': 'acme/web',
      'pr-number': '#12'
    }
    const outcome = await runIn({ eventName: 'issues', event: 'issues', inputs })
    expect(expectFiled(outcome)).toEqual({
      severity: 'low',
      description: 'Given description',
      affected_systems: ['web'],
      reported_time: '2026-11-25T13:00:00Z',
      resolution_time: '2026-11-25T13:30:00Z',
      reported_by: 'pagerduty',
      provider_id: 'PD-123',
      repo_url: 'https://github.com/acme/web',
      pr_number: '12'
    })
    expect(outcome.result.summary).not.toMatch(/\| (event|GitHub API|run|default) \|/)
  })

  it('asks the GitHub API nothing in a run when reported-time, description and pr-number are given', async () => {
    const outcome = await runIn({
      eventName: 'push',
      event: 'push',
      inputs: { severity: 'high', 'reported-time': '2026-11-26T08:00:00Z', description: 'Deploy broke checkout', 'pr-number': '9' }
    })
    expect(expectFiled(outcome)).toMatchObject({
      reported_time: '2026-11-26T08:00:00Z',
      description: 'Deploy broke checkout',
      pr_number: '9'
    })
    expect(outcome.asked).toEqual([])
  })
})

describe('pull_request closed: a merged revert files the change it reverts', () => {
  const closed = eventFixture('pull_request')
  const revert = {
    ...closed,
    number: 215,
    pull_request: {
      ...closed.pull_request,
      number: 215,
      html_url: `${REPO_URL}/pull/215`,
      title: 'Revert "Add EU checkout"',
      body: `Reverts ${REPO}#203`,
      merged_at: '2026-11-26T13:12:00Z',
      user: { ...closed.pull_request.user, login: 'octocat' },
      labels: [],
      head: { ...closed.pull_request.head, ref: 'revert-203-add-eu-checkout' }
    }
  }
  const reverted = {
    ...pull(203, { merged_at: '2026-11-26T10:00:00Z', merge_commit_sha: SHA }),
    title: 'Add EU checkout',
    labels: [{ name: 'sev2' }]
  }
  const comments = `/repos/${REPO}/issues/215/comments`
  const payload = {
    severity: 'high',
    description: 'Reverted "Add EU checkout" (#203) by #215',
    reported_time: '2026-11-26T10:00:00Z',
    resolution_time: '2026-11-26T13:12:00Z',
    reported_by: 'octocat',
    provider_id: `${REPO}/pull/215`,
    repo_url: REPO_URL,
    pr_number: '203'
  }
  const record = [
    `Filed with Hivel as incident **incident-1**: high, 2026-11-26 10:00 → 13:12 UTC (3 h 12 min), Reverted "Add EU checkout" (#203) by #215 · filed by ${RUN_URL}`,
    '',
    `<!-- hivel-incident {"provider_id":"${REPO}/pull/215","incident_id":"incident-1"} -->`
  ].join('\n')

  it("files GitHub's Revert button output once, blaming #203 from its merge to the revert's, and records it on the revert", async () => {
    const posted: unknown[] = []
    const first = await runIn({
      eventName: 'pull_request',
      event: revert,
      routes: {
        [`/repos/${REPO}/pulls/203`]: reverted,
        [comments]: (req: Received) =>
          req.method === 'POST' ? (posted.push(req.json), [201, { id: 1, html_url: `${REPO_URL}/pull/215#issuecomment-1` }]) : [200, []]
      },
      inputs: { record: 'true' }
    })
    expect(expectFiled(first)).toEqual(payload)
    const ledger = ['POST git/trees', 'POST git/commits'].map(r => r.replace(' ', ` /repos/${REPO}/`))
    const ref = `/repos/${REPO}/git/ref/hivel/incidents`
    expect(first.asked).toEqual([
      `GET /repos/${REPO}/pulls/203`,
      `GET ${ref}`,
      `GET ${comments}`,
      ...ledger,
      `POST /repos/${REPO}/git/refs`,
      `POST ${comments}`,
      ...ledger,
      `PATCH /repos/${REPO}/git/refs/hivel/incidents`
    ])
    expect(posted).toEqual([{ body: record }])

    hivelServer.requests.length = 0
    const second = await runIn({
      eventName: 'pull_request',
      event: revert,
      routes: {
        [`/repos/${REPO}/pulls/203`]: reverted,
        [comments]: [{ id: 1, body: record, html_url: `${REPO_URL}/pull/215#issuecomment-1`, user: { login: 'github-actions[bot]' } }]
      },
      inputs: { record: 'true' }
    })
    expect(second.result.code).toBe(0)
    expect(second.sent).toEqual([])
    // A new ledger, with the record imported from the comment once.
    expect(second.asked).toEqual([
      `GET /repos/${REPO}/pulls/203`,
      `GET ${ref}`,
      `GET ${comments}`,
      ...ledger,
      `POST /repos/${REPO}/git/refs`
    ])
    expect(second.result.outputs.incident_id).toBe('incident-1')
    expect(second.result.shown).toContain(
      `::notice::Already filed with Hivel as incident incident-1 (${REPO_URL}/pull/215#issuecomment-1): nothing is sent again.`
    )
  })

  it('skips a merged pull request that reverts nothing, after reading its commits', async () => {
    const commits = `/repos/${REPO}/pulls/71/commits`
    const outcome = await runIn({
      eventName: 'pull_request',
      event: 'pull_request',
      routes: { [commits]: [{ sha: SHA, commit: { message: 'Cache tax rates per region' } }] }
    })
    expectSkipped(
      outcome,
      `Pull request ${REPO_URL}/pull/71 was merged and reverts nothing: no incident (a merged revert files the change it reverts).`
    )
    expect(outcome.asked).toEqual([`GET ${commits}`])
  })
})
