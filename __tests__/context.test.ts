/** context.ts and issue-text.ts: the label and body readers, and resolveDraft for each situation with a stand-in GitHubApi. */
import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import * as core from '../__fixtures__/core.js'
import { EventName, eventFixture, job, REPO, RUN_URL, SHA } from '../__fixtures__/github.js'
import type { Deployment, DeploymentStatus, GitHubApi, Job, Run } from '../src/github-api.js'

jest.unstable_mockModule('@actions/core', () => core)
const { resolveDraft, runEnv } = await import('../src/context.js')
const { remainingProblems } = await import('../src/live.js')
const { pullRequestFromBody, severityFromBody, severityFromLabels, systemsFromBody, systemsFromLabels } =
  await import('../src/issue-text.js')
const { explainStatus, GitHubApiError } = await import('../src/github-api.js')
const { parseAll, settingsSchema } = await import('../src/schema.js')
type Defaults = Exclude<Awaited<ReturnType<typeof resolveDraft>>, { skip: string }>['defaults']

const now = new Date('2026-11-26T10:00:00Z')
const tmp = mkdtempSync(join(tmpdir(), 'context-test-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
beforeEach(() => {
  jest.clearAllMocks()
})

describe('severity from labels', () => {
  it.each([
    [['incident', 'severity:high'], 'high'],
    [['Severity: Critical'], 'critical'],
    [['sev1'], 'critical'],
    [['SEV-2'], 'high'],
    [['P2'], 'high'],
    [['p4'], 'low'],
    [['sev:3'], 'medium'],
    [['priority/p1'], 'critical'],
    [['severity:needs-triage'], 'needs-triage'],
    [['severity:low', 'sev1', 'P3'], 'critical'],
    [['incident', 'bug', 'p2-ish', 'system:db'], undefined]
  ])('%j gives %s', (labels, severity) => {
    expect(severityFromLabels(labels)).toBe(severity)
  })
})

describe('affected systems from labels', () => {
  it('takes the name after system: (or systems:, system/), in label order', () => {
    expect(systemsFromLabels(['incident', 'system:database', 'Systems: api-gateway', 'system/cache', 'bug'])).toEqual([
      'database',
      'api-gateway',
      'cache'
    ])
  })
})

const form = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `### ${k}\n\n${v}`)
    .join('\n\n')

describe('fields of an issue body', () => {
  it('reads an issue form: the answer under each heading, "_No response_" as empty', () => {
    const body = form({
      Severity: 'high',
      'Pull request': '#203',
      'Affected systems': 'search, catalog',
      'What happened': 'Severity: low is not read here'
    })
    expect(severityFromBody(body)).toBe('high')
    expect(systemsFromBody(body)).toEqual(['search', 'catalog'])
    expect(severityFromBody(form({ Severity: '_No response_' }))).toBeUndefined()
    expect(systemsFromBody(form({ 'Affected systems': '_No response_' }))).toEqual([])
  })

  it('reads "Severity:" and "Affected systems:" lines, with markdown around the name', () => {
    expect(severityFromBody('Checkout down.\r\n\r\n**Severity:** SEV1 - customers affected')).toBe('critical')
    expect(severityFromBody('- Severity: P3')).toBe('medium')
    expect(systemsFromBody('Affected systems: checkout, payments, checkout')).toEqual(['checkout', 'payments'])
    expect(severityFromBody('The severity of this is unclear: ask ops')).toBeUndefined()
  })
})

describe('the issue form in .github/ISSUE_TEMPLATE/incident.yml', () => {
  interface FormField {
    type: string
    id?: string
    attributes: { label?: string; options?: string[] }
  }
  const template = parse(readFileSync(new URL('../.github/ISSUE_TEMPLATE/incident.yml', import.meta.url), 'utf8')) as {
    labels: string[]
    body: FormField[]
  }
  /** The issue body GitHub writes from the form's answers: each label as a heading, "_No response_" when empty. */
  const bodyFrom = (answers: Record<string, string>) =>
    form(
      Object.fromEntries(
        template.body.filter(f => f.type !== 'markdown').map(f => [f.attributes.label ?? '', answers[f.id ?? ''] || '_No response_'])
      )
    )

  it('labels the issue incident and offers the four severities', () => {
    expect(template.labels).toEqual(['incident'])
    expect(template.body.find(f => f.id === 'severity')?.attributes.options).toEqual(['critical', 'high', 'medium', 'low'])
  })

  it('gives answers the action reads back', () => {
    const body = bodyFrom({
      severity: 'critical',
      'pull-request': 'acme/payments#17',
      'affected-systems': 'checkout, payments',
      'what-happened': 'PR: #1\nSeverity: low'
    })
    expect(severityFromBody(body)).toBe('critical')
    expect(pullRequestFromBody(body)).toEqual({ number: '17', repoUrl: 'https://github.com/acme/payments' })
    expect(systemsFromBody(body)).toEqual(['checkout', 'payments'])
  })

  it('leaves out what was not answered, so a "Caused by" line added later still counts', () => {
    const body = `${bodyFrom({ severity: 'low' })}\n\nCaused by #203`
    expect(systemsFromBody(body)).toEqual([])
    expect(pullRequestFromBody(body)).toEqual({ number: '203' })
  })
})

describe('the pull request an issue body names', () => {
  it.each([
    ['Caused by #203', { number: '203' }],
    ['Root cause: this was caused by PR #203 last night.', { number: '203' }],
    ['Caused by: acme/payments-api#17', { number: '17', repoUrl: 'https://github.com/acme/payments-api' }],
    [
      'Caused by https://github.com/acme/checkout-service/pull/203/files',
      { number: '203', repoUrl: 'https://github.com/acme/checkout-service' }
    ],
    ['PR: #203', { number: '203' }],
    ['- **PR:** 203', { number: '203' }],
    ['Pull request: https://ghe.acme.example/shop/web/pull/9', { number: '9', repoUrl: 'https://ghe.acme.example/shop/web' }],
    [form({ 'Pull request': '88' }), { number: '88' }],
    [
      form({ 'Pull request that caused it': 'https://github.com/acme/search-service/pull/88' }),
      { number: '88', repoUrl: 'https://github.com/acme/search-service' }
    ],
    [
      'Rolled back; see https://github.com/acme/checkout-service/pull/210 for details',
      { number: '210', repoUrl: 'https://github.com/acme/checkout-service' }
    ]
  ])('%j names %j', (body, expected) => {
    expect(pullRequestFromBody(body)).toEqual(expected)
  })

  it('prefers "Caused by" to a pull request URL that appears first, and a PR: line to both', () => {
    expect(pullRequestFromBody('Reverted in https://github.com/acme/x/pull/205\n\nCaused by #203')).toEqual({ number: '203' })
    expect(pullRequestFromBody('Caused by #203\nPR: #201')).toEqual({ number: '201' })
  })

  it.each([
    'Fixed by #205',
    'Same as #203',
    'See https://github.com/acme/checkout-service/issues/12',
    'PR: none yet',
    form({ 'Pull request': '_No response_' }),
    ''
  ])('finds none in %j', body => {
    expect(pullRequestFromBody(body)).toBeUndefined()
  })
})

/** A GitHubApi that answers from a table and records each call. */
function fakeApi(
  answers: {
    jobs?: Job[] | Error
    started?: string | Error
    pulls?: Record<string, number>
    runs?: Run[]
    attempts?: Record<string, Run>
    deployments?: Deployment[]
    statuses?: Record<number, DeploymentStatus>
  } = {}
) {
  const calls: string[] = []
  const answer = <T>(value: T | Error | undefined): Promise<T | undefined> =>
    value instanceof Error ? Promise.reject(value) : Promise.resolve(value)
  async function* list<T>(what: string, items: T[] = []) {
    calls.push(what)
    yield* items
  }
  const api = {
    jobs: (runId: number, attempt: number) => (calls.push(`jobs ${runId}/${attempt}`), answer(answers.jobs).then(jobs => jobs ?? [])),
    runAttempt: (runId: number, attempt: number) => {
      calls.push(`run ${runId}/${attempt}`)
      const known = answers.attempts?.[`${runId}/${attempt}`]
      return known ? Promise.resolve(known) : answer(answers.started).then(started => ({ run_started_at: started }) as Run)
    },
    pullRequestForCommit: (sha: string) => (calls.push(`pulls ${sha}`), answer(answers.pulls?.[sha])),
    workflowRuns: (id: number, branch?: string) => list(`runs ${id} ${branch}`, answers.runs),
    deployments: (environment: string) => list(`deployments ${environment}`, answers.deployments),
    latestDeploymentStatus: (id: number) => (calls.push(`status ${id}`), Promise.resolve(answers.statuses?.[id]))
  } as unknown as GitHubApi
  return { api, calls }
}

let written = 0
/** The run's environment for an event: a fixture by name, or a changed payload written to a file. */
function envFor(eventName: string, event: EventName | object, more: Record<string, string> = {}) {
  const eventPath =
    typeof event === 'string'
      ? fileURLToPath(new URL(`../__fixtures__/events/${event}.json`, import.meta.url))
      : join(tmp, `event-${++written}.json`)
  if (typeof event !== 'string') writeFileSync(eventPath, JSON.stringify(event))
  return runEnv({
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: REPO,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: SHA,
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_RUN_ID: '1234',
    GITHUB_RUN_ATTEMPT: '2',
    ...more
  })
}

const settingsFor = (eventName: string, raw: Record<string, string> = {}) =>
  parseAll(settingsSchema(now, 'https://github.com', eventName), { 'api-token': 't', ...raw })

async function resolve(
  eventName: string,
  event: EventName | object,
  raw: Record<string, string> = {},
  answers: Parameters<typeof fakeApi>[0] = {}
) {
  const { api, calls } = fakeApi(answers)
  const result = await resolveDraft(settingsFor(eventName, raw), envFor(eventName, event), now, api)
  return { result, calls, defaults: 'skip' in result ? ({} as Defaults) : result.defaults }
}

/** Each default as [value, source], times as ISO strings. */
const shown = (d: Defaults) =>
  Object.fromEntries(Object.entries(d).map(([k, s]) => [k, [s.value instanceof Date ? s.value.toISOString() : s.value, s.source]]))

const failedJobs = [
  job('build', 'success', '2026-11-26T07:55:20Z', '2026-11-26T07:58:02Z'),
  job('smoke-test', 'failure', '2026-11-26T08:03:10Z', '2026-11-26T08:06:45Z'),
  job('deploy-eu', 'timed_out', '2026-11-26T07:58:10Z', '2026-11-26T08:04:30Z'),
  job('notify', 'cancelled', '2026-11-26T08:00:00Z', '2026-11-26T08:01:00Z'),
  job('rollback', null, '2026-11-26T08:07:00Z', null)
]

describe('the rollback case: a push (or any) run', () => {
  it('dates the incident from the earliest failed job of this attempt and names the failed jobs', async () => {
    const { defaults, calls } = await resolve('push', 'push', { severity: 'high' }, { jobs: failedJobs, pulls: { [SHA]: 203 } })
    expect(shown(defaults)).toEqual({
      reportedTime: ['2026-11-26T08:04:30.000Z', 'GitHub API'],
      resolutionTime: [now.toISOString(), 'default'],
      description: [`Deploy failed: deploy-eu, smoke-test (${RUN_URL})`, 'GitHub API'],
      prNumber: ['203', 'GitHub API'],
      reportedBy: ['octocat', 'run'],
      providerId: [`${REPO}/actions/runs/1234`, 'run'],
      repoUrl: [`https://github.com/${REPO}`, 'run']
    })
    expect(calls).toEqual(['jobs 1234/2', `pulls ${SHA}`])
  })

  it("dates it from the attempt's start when no job failed", async () => {
    const { defaults, calls } = await resolve(
      'push',
      'push',
      { severity: 'high', 'pr-number': '5' },
      {
        jobs: [job('build', 'success', '2026-11-26T07:55:20Z', '2026-11-26T07:58:02Z')],
        started: '2026-11-26T07:55:14Z'
      }
    )
    expect(shown(defaults)).toMatchObject({
      reportedTime: ['2026-11-26T07:55:14.000Z', 'GitHub API'],
      description: [`Deploy reported an incident (${RUN_URL})`, 'GitHub API']
    })
    expect(calls).toEqual(['jobs 1234/2', 'run 1234/2'])
  })

  it('keeps the run URL whole when many jobs failed, listing as many as fit', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      job(`deploy-region-${i}`, 'failure', '2026-11-26T08:00:00Z', `2026-11-26T08:${10 + i}:00Z`)
    )
    const { defaults } = await resolve('push', 'push', { severity: 'high', 'pr-number': '5' }, { jobs: many })
    const description = defaults.description?.value ?? ''
    expect(description.length).toBeLessThanOrEqual(255)
    expect(description).toMatch(
      /^Deploy failed: deploy-region-0, deploy-region-1, .* and \d+ more \(https:\/\/github\.com\/acme\/checkout-service\/actions\/runs\/1234\)$/
    )
  })

  it('says which permission to add when the jobs cannot be read, or to set reported-time', async () => {
    const refused = new GitHubApiError(
      "Could not list the jobs of run 1234: GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `actions: read` to the job's `permissions:`"
    )
    const failure = resolve('push', 'push', { severity: 'high', 'pr-number': '5' }, { jobs: refused })
    // Still a GitHub failure, so that a backfill can tell it from a missing pull request.
    await expect(failure).rejects.toThrow(GitHubApiError)
    await expect(failure).rejects.toThrow(/Add `actions: read` to the job's `permissions:`\. Or set reported-time\.$/)
  })

  it('asks nothing when every field is given, and only for the description when reported-time is', async () => {
    const all = await resolve('push', 'push', {
      severity: 'high',
      'reported-time': '2026-11-26T08:00:00Z',
      description: 'x',
      'pr-number': '5'
    })
    expect(all.calls).toEqual([])
    const forDescription = await resolve(
      'push',
      'push',
      { severity: 'high', 'reported-time': '2026-11-26T08:00:00Z', 'pr-number': '5' },
      { jobs: new GitHubApiError('Could not list the jobs of run 1234: denied') }
    )
    expect(forDescription.calls).toEqual(['jobs 1234/2'])
    expect(forDescription.defaults.description).toBeUndefined()
    expect(core.info).toHaveBeenCalledWith('No default description: Could not list the jobs of run 1234: denied.')
  })

  it('takes a pull_request event’s number without asking for it', async () => {
    const { defaults, calls } = await resolve(
      'pull_request',
      { ...eventFixture('pull_request'), action: 'synchronize' },
      {
        severity: 'high',
        'reported-time': '2026-11-26T08:00:00Z',
        description: 'x'
      }
    )
    expect(defaults.prNumber).toEqual({ value: '71', source: 'event' })
    expect(calls).toEqual([])
  })
})

describe('pull_request closed: a merged revert, or nothing', () => {
  const event = eventFixture('pull_request')
  const closed = (change: object) => ({ ...event, pull_request: { ...event.pull_request, ...change } })
  const revert = closed({
    number: 215,
    html_url: `https://github.com/${REPO}/pull/215`,
    title: 'Revert "Cache tax rates per region"',
    body: 'Reverts acme/checkout-service#71',
    head: { ...event.pull_request.head, ref: 'revert-71-tax-cache' },
    base: { ...event.pull_request.base, ref: 'release/2.4' }
  })
  const cached = { ...event.pull_request, merged_at: '2026-11-25T16:40:00Z', labels: [] }
  const api = (calls: string[]) =>
    ({
      pull: async (n: number, repo: { owner: string; repo: string }) => (calls.push(`pull ${repo.owner}/${repo.repo}#${n}`), cached),
      pullCommitMessages: async (n: number) => (calls.push(`commits of #${n}`), ['Cache tax rates'])
    }) as unknown as GitHubApi

  it('files a revert against the pull request it reverts, with revert-branches and the severity input', async () => {
    const calls: string[] = []
    const settings = settingsFor('pull_request', { 'revert-branches': 'release/2.4', severity: 'low' })
    const draft = await resolveDraft(settings, envFor('pull_request', revert), now, api(calls))
    expect('skip' in draft ? draft : shown(draft.defaults)).toEqual({
      prNumber: ['71', 'event'],
      repoUrl: [`https://github.com/${REPO}`, 'event'],
      reportedTime: ['2026-11-25T16:40:00.000Z', 'GitHub API'],
      resolutionTime: ['2026-11-26T07:40:17.000Z', 'event'],
      providerId: [`${REPO}/pull/215`, 'event'],
      description: ['Reverted "Cache tax rates per region" (#71) by #215', 'GitHub API'],
      reportedBy: ['mona', 'event']
    })
    expect(calls).toEqual([`pull ${REPO}#71`])
    expect(remainingProblems(draft as Exclude<typeof draft, { skip: string }>, settings)).toBeUndefined()
  })

  it('skips a revert into another branch than the default without revert-branches, and a closed pull request that reverts nothing', async () => {
    const calls: string[] = []
    const intoRelease = await resolveDraft(settingsFor('pull_request'), envFor('pull_request', revert), now, api(calls))
    expect(intoRelease).toEqual({
      skip: `Pull request https://github.com/${REPO}/pull/215 reverts #71 on release/2.4, not the default branch main: no incident (revert-branches: release/2.4 files reverts there).`
    })
    const merged = await resolveDraft(settingsFor('pull_request'), envFor('pull_request', 'pull_request'), now, api(calls))
    expect(merged).toEqual({
      skip: `Pull request https://github.com/${REPO}/pull/71 was merged and reverts nothing: no incident (a merged revert files the change it reverts).`
    })
    expect(calls).toEqual(['commits of #71'])
  })
})

describe('workflow_run: filed when the workflow recovers', () => {
  const failedEvent = eventFixture('workflow_run')
  const recovering = { ...failedEvent.workflow_run, id: 900, conclusion: 'success', updated_at: '2026-11-26T11:26:52Z' }
  const succeeded = { ...failedEvent, workflow_run: recovering }
  const run = (id: number, conclusion: string | null, updatedAt: string, sha = `sha${id}`) =>
    ({
      ...failedEvent.workflow_run,
      id,
      conclusion,
      head_sha: sha,
      created_at: updatedAt,
      updated_at: updatedAt,
      html_url: `${RUN_URL}x${id}`
    }) as Run

  it("spans the outage from the first failed run to this success, blaming the first failure's pull request", async () => {
    const runs = [
      run(901, 'failure', '2026-11-26T12:00:00Z'), // newer than the event: not part of it
      recovering as Run,
      run(899, 'failure', '2026-11-26T10:30:00Z'),
      run(898, 'cancelled', '2026-11-26T10:10:00Z'),
      run(897, 'timed_out', '2026-11-26T08:14:52Z'),
      run(896, 'success', '2026-11-26T07:00:00Z'),
      run(895, 'failure', '2026-11-26T06:00:00Z')
    ]
    const { defaults, calls } = await resolve('workflow_run', succeeded, { severity: 'high' }, { runs, pulls: { sha897: 203 } })
    expect(shown(defaults)).toMatchObject({
      reportedTime: ['2026-11-26T08:14:52.000Z', 'GitHub API'],
      resolutionTime: ['2026-11-26T11:26:52.000Z', 'event'],
      description: [`Deploy failed on main for 3 h 12 min (2 failed runs) until ${recovering.html_url}`, 'event'],
      providerId: [`${REPO}/actions/runs/897`, 'event'],
      reportedBy: ['mona', 'event'],
      prNumber: ['203', 'GitHub API']
    })
    expect(calls).toEqual(['runs 80331244 main', 'pulls sha897'])
  })

  it('skips a success after a success: nothing to recover from', async () => {
    const runs = [recovering as Run, run(899, 'cancelled', '2026-11-26T10:30:00Z'), run(898, 'success', '2026-11-26T10:00:00Z')]
    const { result } = await resolve('workflow_run', succeeded, { severity: 'high' }, { runs })
    expect(result).toEqual({ skip: expect.stringContaining('the previous run succeeded: nothing to recover from') })
  })

  it('reads earlier attempts of a re-run first: a failed attempt 1 and a successful attempt 2 are an outage', async () => {
    const attempt2 = { ...succeeded, workflow_run: { ...recovering, run_attempt: 2 } }
    const attempts = { '900/1': { ...run(900, 'failure', '2026-11-26T11:00:00Z'), run_attempt: 1 } }
    const runs = [run(899, 'success', '2026-11-26T10:30:00Z')]
    const { defaults, calls } = await resolve('workflow_run', attempt2, { severity: 'high', 'pr-number': '5' }, { runs, attempts })
    expect(defaults.reportedTime?.value.toISOString()).toBe('2026-11-26T11:00:00.000Z')
    expect(defaults.providerId?.value).toBe(`${REPO}/actions/runs/900`)
    expect(calls).toEqual(['run 900/1', 'runs 80331244 main'])
  })

  it('files from the earliest failure seen when no success is within the look-back', async () => {
    const runs = [
      run(899, 'failure', '2026-11-26T10:30:00Z'),
      run(898, 'failure', '2026-11-26T10:00:00Z'),
      run(897, 'success', '2026-11-26T09:00:00Z')
    ]
    const { result } = await resolve('workflow_run', succeeded, { severity: 'high', 'pr-number': '5', 'look-back': '2 runs' }, { runs })
    const draft = result as Exclude<typeof result, { skip: string }>
    expect(draft.outage?.cutShort).toBe('no successful run was found within the look-back (2 runs)')
    expect(draft.defaults.reportedTime?.value.toISOString()).toBe('2026-11-26T10:00:00.000Z')
  })

  it.each([
    ['failure', 'the incident is filed when Deploy next succeeds on main (file-on: failure files it now)'],
    ['timed_out', 'the incident is filed when Deploy next succeeds on main'],
    ['cancelled', 'concluded cancelled: neither a failure nor a recovery'],
    ['skipped', 'concluded skipped: neither a failure nor a recovery'],
    ['action_required', 'concluded action_required'],
    [null, 'has not completed']
  ])('skips a run that concluded %s, asking nothing', async (conclusion, reason) => {
    const event = { ...failedEvent, workflow_run: { ...failedEvent.workflow_run, conclusion } }
    const { result, calls } = await resolve('workflow_run', event, { severity: 'high' })
    expect(result).toEqual({ skip: expect.stringContaining(reason) })
    expect(calls).toEqual([])
  })

  it('with file-on: failure, files a failed run at once (time to notice) and skips a success', async () => {
    const headSha = failedEvent.workflow_run.head_sha as string
    const { defaults, calls } = await resolve(
      'workflow_run',
      failedEvent,
      { severity: 'high', 'file-on': 'failure' },
      { pulls: { [headSha]: 203 } }
    )
    expect(shown(defaults)).toMatchObject({
      reportedTime: ['2026-11-26T08:14:52.000Z', 'event'],
      description: ['Deploy failed on main (https://github.com/acme/checkout-service/actions/runs/11872340561)', 'event'],
      providerId: [`${REPO}/actions/runs/11872340561`, 'event'],
      prNumber: ['203', 'GitHub API']
    })
    expect(calls).toEqual([`pulls ${headSha}`])
    expect((await resolve('workflow_run', succeeded, { severity: 'high', 'file-on': 'failure' })).result).toHaveProperty('skip')
  })

  it('skips a run that has not completed (a workflow_run trigger without types: [completed])', async () => {
    const event = { ...failedEvent, action: 'requested', workflow_run: { ...failedEvent.workflow_run, status: 'queued', conclusion: null } }
    expect((await resolve('workflow_run', event, { severity: 'high' })).result).toEqual({
      skip: expect.stringContaining('types: [completed]')
    })
  })
})

describe('deployment_status: filed when the environment recovers', () => {
  const status = eventFixture('deployment_status')
  const withState = (state: string, createdAt = '2026-11-26T10:43:05Z') => ({
    ...status,
    deployment_status: { ...status.deployment_status, state, created_at: createdAt }
  })
  const deployment = (id: number, createdAt: string) =>
    ({ id, sha: `sha${id}`, environment: 'production', created_at: createdAt }) as Deployment
  const at = (state: string, createdAt: string) => ({ state, created_at: createdAt }) as DeploymentStatus

  it('spans failure → error → success, and success after inactive ends the look-back', async () => {
    const id = status.deployment.id as number
    const deployments = [
      deployment(id, '2026-11-26T10:40:00Z'),
      deployment(11, '2026-11-26T08:00:00Z'),
      deployment(10, '2026-11-26T07:24:40Z'),
      deployment(9, '2026-11-26T07:00:00Z')
    ]
    const statuses = {
      11: at('error', '2026-11-26T08:05:00Z'),
      10: at('failure', '2026-11-26T07:31:05Z'),
      9: at('inactive', '2026-11-26T07:10:00Z')
    }
    const { defaults, calls } = await resolve(
      'deployment_status',
      withState('success'),
      { severity: 'critical' },
      { deployments, statuses, pulls: { sha10: 198 } }
    )
    expect(shown(defaults)).toMatchObject({
      reportedTime: ['2026-11-26T07:31:05.000Z', 'GitHub API'],
      resolutionTime: ['2026-11-26T10:43:05.000Z', 'event'],
      description: [
        'Deployment to production failed for 3 h 12 min (2 failed deployments) until https://deploy.acme.example/releases/812',
        'event'
      ],
      prNumber: ['198', 'GitHub API'],
      providerId: [`${REPO}/deployments/10`, 'event']
    })
    expect(calls).toEqual(['deployments production', 'status 11', 'status 10', 'status 9', 'pulls sha10'])
  })

  it.each(['failure', 'error'])('waits on a %s for the recovery, or files it at once with file-on: failure', async state => {
    const waiting = await resolve('deployment_status', withState(state), { severity: 'critical' })
    expect(waiting.result).toEqual({ skip: expect.stringContaining('the incident is filed when a deployment to production next succeeds') })
    const { defaults } = await resolve('deployment_status', withState(state, '2026-11-26T07:31:05Z'), {
      severity: 'critical',
      'file-on': 'failure',
      'pr-number': '1'
    })
    expect(shown(defaults)).toMatchObject({
      reportedTime: ['2026-11-26T07:31:05.000Z', 'event'],
      description: [
        `Deployment to production ${state === 'error' ? 'errored' : 'failed'}: Health check failed after 3 attempts (https://deploy.acme.example/releases/812)`,
        'event'
      ],
      providerId: [`${REPO}/deployments/${status.deployment.id}`, 'event']
    })
  })

  it.each(['pending', 'in_progress', 'inactive'])('skips a %s status', async state => {
    const { result, calls } = await resolve('deployment_status', withState(state), { severity: 'critical' })
    expect(result).toEqual({ skip: expect.stringContaining(`is ${state}: neither a failure nor a recovery`) })
    expect(calls).toEqual([])
  })
})

describe('issues', () => {
  const closed = eventFixture('issues')
  const withIssue = (change: object, action = 'closed') => ({ ...closed, action, issue: { ...closed.issue, ...change } })

  it('turns a closed incident issue into a full incident, with no API call', async () => {
    const { defaults, calls } = await resolve('issues', 'issues')
    expect(shown(defaults)).toEqual({
      reportedTime: ['2026-11-25T14:02:11.000Z', 'event'],
      resolutionTime: ['2026-11-25T15:47:40.000Z', 'event'],
      description: ['Checkout returns 500 for card payments', 'event'],
      reportedBy: ['mona', 'event'],
      providerId: ['https://github.com/acme/checkout-service/issues/412', 'event'],
      severity: ['high', 'event'],
      affectedSystems: [['payments', 'database'], 'event'],
      prNumber: ['203', 'event'],
      repoUrl: [`https://github.com/${REPO}`, 'run']
    })
    expect(calls).toEqual([])
  })

  it("reads an issue form's answers, and a pull request in another repository makes that repository repo_url", async () => {
    const { defaults } = await resolve('issues', 'issues-form')
    expect(shown(defaults)).toMatchObject({
      severity: ['medium', 'event'],
      affectedSystems: [['search', 'catalog'], 'event'],
      prNumber: ['88', 'event'],
      repoUrl: ['https://github.com/acme/search-service', 'event']
    })
  })

  it('lets a severity label win over the body, and the most severe label over others', async () => {
    const labels = [...closed.issue.labels, { name: 'P1' }]
    const { defaults } = await resolve('issues', withIssue({ labels, body: 'Severity: low\n\nCaused by #203' }))
    expect(defaults.severity?.value).toBe('critical')
  })

  it.each([
    [
      'without the incident label',
      withIssue({ labels: [{ name: 'bug' }] }),
      "Issue https://github.com/acme/checkout-service/issues/412 has no 'incident' label: not an incident."
    ],
    [
      'that was only labelled',
      withIssue({ state: 'open', closed_at: null }, 'labeled'),
      'Issue https://github.com/acme/checkout-service/issues/412 was labeled, not closed: an incident is filed when its issue is closed.'
    ],
    [
      'closed as not planned',
      withIssue({ state_reason: 'not_planned' }),
      'Issue https://github.com/acme/checkout-service/issues/412 was closed as not planned (a duplicate or false alarm): nothing to file.'
    ]
  ])('skips an issue %s', async (_what, event, reason) => {
    expect((await resolve('issues', event)).result).toEqual({ skip: reason })
  })

  it('uses incident-label to recognise an incident', async () => {
    const event = withIssue({ labels: [{ name: 'Outage' }, { name: 'sev2' }] })
    expect((await resolve('issues', event)).result).toHaveProperty('skip')
    expect((await resolve('issues', event, { 'incident-label': 'outage' })).defaults.severity?.value).toBe('high')
  })

  it('fails saying what to write when the body names no pull request and no label gives a severity', async () => {
    const event = withIssue({ labels: [{ name: 'incident' }], body: 'Fixed by #205' })
    const { result } = await resolve('issues', event)
    expect(remainingProblems(result as Exclude<typeof result, { skip: string }>, settingsFor('issues'))).toBe(
      'Issue https://github.com/acme/checkout-service/issues/412 has no severity: add a label such as severity:high, sev1 or P2 (or a "Severity: high" line to its body), or set severity. ' +
        'Issue https://github.com/acme/checkout-service/issues/412 names no pull request: add a line such as "Caused by #203", "PR: #203" or the pull request\'s URL to its body, or set pr-number. ' +
        'Then reopen and close the issue (a re-run would read the issue as it was).'
    )
  })

  it('lets inputs stand in for what the issue lacks, and keeps the actor when the author is unknown', async () => {
    const event = withIssue({ labels: [{ name: 'incident' }], body: null, user: null })
    const { defaults } = await resolve('issues', event, { severity: 'low', 'pr-number': '9' })
    expect(defaults.reportedBy).toEqual({ value: 'octocat', source: 'run' })
    expect(defaults.severity).toBeUndefined()
  })
})

describe('GitHub API failures, in words', () => {
  const answered = (status: number, headers: Record<string, string> = {}, message = 'Resource not accessible by integration') =>
    [status, headers, JSON.stringify({ message })] as const

  it.each([
    [
      '403',
      answered(403),
      "GitHub answered 403 Resource not accessible by integration (the token lacks a permission). Add `actions: read` to the job's `permissions:`"
    ],
    [
      '404',
      answered(404, {}, 'Not Found'),
      "GitHub answered 404 Not Found (not found, which is also how GitHub answers a token without access). Add `actions: read` to the job's `permissions:`"
    ],
    [
      'a spent rate limit',
      answered(403, { 'x-ratelimit-remaining': '0' }, 'API rate limit exceeded'),
      "GitHub's API rate limit for this token is used up (403)"
    ],
    [
      '401',
      answered(401, {}, 'Bad credentials'),
      'GitHub rejected github-token (401 Bad credentials); pass github-token: ${{ github.token }}'
    ],
    [
      'a locked thread',
      answered(403, {}, 'Unable to create comment because issue is locked.'),
      'GitHub answered 403 Unable to create comment because issue is locked. (the conversation is locked)'
    ],
    ['502', answered(502, {}, 'Server Error'), 'GitHub answered 502 Server Error'],
    ['502 without JSON', [502, {}, '<html>Bad gateway</html>'] as const, 'GitHub answered 502 with no message']
  ])('%s', (_what, [status, headers, body], words) => {
    expect(explainStatus(status, headers, body, 'actions: read')).toBe(words)
  })
})

describe('sparse events and environments', () => {
  it('reads a bare environment as empty rather than failing', () => {
    expect(runEnv({})).toEqual({
      eventName: '',
      eventPath: undefined,
      repository: '',
      serverUrl: 'https://github.com',
      sha: '',
      actor: undefined,
      workflow: undefined,
      runId: 0,
      runAttempt: 1
    })
  })

  it('with no repository or event file, offers only the time it was resolved', async () => {
    const { api, calls } = fakeApi({})
    const draft = await resolveDraft(
      settingsFor('workflow_dispatch', { severity: 'high', 'reported-time': 'now', description: 'x', 'pr-number': '1' }),
      runEnv({}),
      now,
      api
    )
    const d = (draft as Exclude<typeof draft, { skip: string }>).defaults
    expect(Object.entries(d).filter(([, value]) => value !== undefined)).toEqual([['resolutionTime', { value: now, source: 'default' }]])
    expect(calls).toEqual([])
  })

  it('names an unnamed workflow run by its commit, and words each failed conclusion', async () => {
    const event = eventFixture('workflow_run')
    const bare = (conclusion: string) => ({
      workflow_run: { ...event.workflow_run, name: null, head_branch: null, conclusion, pull_requests: [{ number: 3 }] }
    })
    const sha7 = String(event.workflow_run.head_sha).slice(0, 7)
    const described = async (conclusion: string) =>
      (await resolve('workflow_run', bare(conclusion), { severity: 'high', 'file-on': 'failure' })).defaults.description?.value
    expect(await described('timed_out')).toMatch(new RegExp(`^The workflow timed out at ${sha7} \\(`))
    expect(await described('startup_failure')).toMatch(/^The workflow failed to start at /)
  })

  it('describes a deployment status with no environment, description or link', async () => {
    const status = eventFixture('deployment_status')
    const bare = {
      deployment: { id: 7, sha: status.deployment.sha },
      deployment_status: { state: 'failure', created_at: '2026-11-26T07:31:05Z' }
    }
    const { defaults } = await resolve('deployment_status', bare, { severity: 'high', 'pr-number': '2', 'file-on': 'failure' })
    expect(defaults.description?.value).toBe('Deployment to an environment failed')
  })
})
