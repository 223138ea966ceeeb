/**
 * What a person reads when something goes wrong (issue 21, items 7–9 and 12): permissions as lines to
 * paste, log groups and titled annotations, and a job summary that says why for every failure.
 * run() in-process against the history stand-in, with @actions/core mocked.
 */
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { setEvent } from '../__fixtures__/action.js'
import * as core from '../__fixtures__/core.js'
import { useRun } from '../__fixtures__/in-process.js'
import { REPO } from '../__fixtures__/github.js'
import { History, useStandIns } from '../__fixtures__/history.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../src/main.js')

const data: History = { comments: {} }
const stand = useStandIns(data)
const SHA = 'a'.repeat(40)
const REFUSED: [number, unknown] = [403, { message: 'Resource not accessible by integration' }]
const dir = useRun(stand, 'messages', { env: { GITHUB_SHA: SHA, GITHUB_RUN_ATTEMPT: '1' } })
beforeEach(() => setEvent(dir, 'workflow_dispatch', {}))

const summary = () => core.written.join('')
const annotations = () => [...core.error.mock.calls, ...core.warning.mock.calls, ...core.notice.mock.calls]
const failure = () => core.failures()[0] ?? ''
const issueEvent = (body: string) => ({
  action: 'closed',
  issue: {
    number: 12,
    html_url: `https://github.com/${REPO}/issues/12`,
    title: 'Checkout down',
    body,
    created_at: '2026-11-26T10:00:00Z',
    closed_at: '2026-11-26T11:00:00Z',
    labels: [{ name: 'incident' }]
  }
})

describe('item 9: the job summary says why for every failure', () => {
  it('when the jobs list is refused (403)', async () => {
    data.refuse = { [`/repos/${REPO}/actions/runs/77/attempts/1/jobs`]: REFUSED }
    Object.assign(core.inputs, { 'pr-number': '5', record: 'false' })
    await run()
    expect(failure()).toMatch(/^Could not list the jobs of run 77: GitHub answered 403/)
    expect(summary()).toMatch(/^### The Hivel step failed\n\n> \[!CAUTION\]\n> Could not list the jobs of run 77: GitHub answered 403/)
    expect(stand.hivel.requests).toHaveLength(0)
  })

  it('when an issue body names a misspelt severity', async () => {
    setEvent(dir, 'issues', issueEvent('Severity: hgih\n\nCaused by #5'))
    Object.assign(core.inputs, { severity: '', record: 'false' })
    await run()
    expect(failure()).toMatch(/issues\/12: .*hgih/)
    expect(summary()).toContain('### The Hivel step failed')
    expect(summary()).toMatch(/hgih.*Fix the label or the Severity line, or set severity/)
  })

  it('when the delivery fails with fail-on-error: true: the sentence points to the reason below it, which is there', async () => {
    stand.answer = (_req, res) => void res.writeHead(400).end('{"message":"bad severity"}')
    Object.assign(core.inputs, { 'pr-number': '5', 'reported-time': '2026-11-26T10:00:00Z', record: 'false' })
    await run()
    expect(failure()).toContain('HTTP 400')
    const text = summary()
    expect(text).toContain('not filed (see why below)')
    expect(text).not.toContain('see the warning below')
    expect(text.slice(text.indexOf('see why below'))).toMatch(/> \[!WARNING\]\n> .*HTTP 400/)
  })

  it('when fail-on-error is false, the summary says why as well', async () => {
    data.refuse = { [`/repos/${REPO}/actions/runs/77/attempts/1/jobs`]: REFUSED }
    Object.assign(core.inputs, { 'pr-number': '5', record: 'false', 'fail-on-error': 'false' })
    await run()
    expect(core.failures()).toEqual([])
    expect(summary()).toMatch(
      /^### The Hivel step did not finish \(fail-on-error is false, so it succeeds\)\n\n> \[!CAUTION\]\n> Could not list/
    )
  })
})

describe('item 8: annotations stand on their own', () => {
  it('an invalid input is an error titled with the input, and the failure names the inputs, not "see above"', async () => {
    Object.assign(core.inputs, { severity: 'x'.repeat(256), 'pr-number': 'nope' })
    await run()
    expect(core.error.mock.calls.map(([, props]) => props?.title)).toEqual([
      'Invalid input severity',
      'Invalid input pr-number',
      'Hivel step failed: invalid input'
    ])
    expect(failure()).toBe('2 inputs are invalid (severity, pr-number); nothing was sent to Hivel.')
    for (const [text] of annotations()) expect(String(text)).not.toMatch(/see above/i)
  })
})

describe('item 12: messages that say what happened', () => {
  it('a commit without a pull request is no invalid input: it says GitHub lists none, and what to set', async () => {
    data.pulls = {}
    Object.assign(core.inputs, { 'reported-time': '2026-11-26T10:00:00Z', record: 'false' })
    await run()
    expect(failure()).toBe(
      'GitHub lists no pull request for commit aaaaaaa (pushed without one), so this incident has no change to blame and nothing was sent. Set pr-number to the pull request whose change caused it (44, #44 or its URL).'
    )
    expect(failure()).not.toMatch(/input is invalid/i)
    expect(core.error.mock.calls.map(([, props]) => props?.title)).toEqual(['Hivel step failed'])
    expect(stand.hivel.requests).toHaveLength(0)
  })

  it('a pr-number URL of another repository says that repo_url follows it, and why no comment is left', async () => {
    Object.assign(core.inputs, { 'pr-number': 'https://github.com/acme/payments/pull/5', 'reported-time': '2026-11-26T10:00:00Z' })
    await run()
    expect(core.failures()).toEqual([])
    expect(core.notice).toHaveBeenCalledWith(
      `pr-number is a pull request of https://github.com/acme/payments, so repo_url follows it: Hivel counts the incident against https://github.com/acme/payments, not ${REPO}. Set repo-url to choose otherwise.`,
      { title: 'repo_url follows pr-number' }
    )
    expect(core.notice).toHaveBeenCalledWith(
      expect.stringMatching(/not this repository, and the job's token comments only on this repository's threads/),
      core.titled
    )
    expect(JSON.parse(String(core.outputs().payload)).repo_url).toBe('https://github.com/acme/payments')
  })
})

describe('item 7: permissions as lines to paste, all at once, read where read is enough', () => {
  const refusedWarnings = () => core.warning.mock.calls.filter(([text]) => String(text).startsWith('GitHub refused github-token'))

  it('names every permission a run was refused in one warning and one summary block, not one per run', async () => {
    data.refuse = {
      [`/repos/${REPO}/actions/runs/77/attempts/1/jobs`]: REFUSED,
      [`/repos/${REPO}/commits/${SHA}/pulls`]: REFUSED,
      [`/repos/${REPO}/git/ref/hivel/incidents`]: REFUSED
    }
    await run()
    expect(core.failures()).toHaveLength(1)
    expect(refusedWarnings()).toEqual([
      [
        'GitHub refused github-token these 3 permissions. Add to the job (a permissions: block grants nothing it does not list; for a personal access token, grant them to the token):\npermissions:\n  actions: read\n  contents: write\n  pull-requests: read',
        { title: 'Missing permissions: actions: read, contents: write, pull-requests: read' }
      ]
    ])
    expect(summary()).toContain(
      '#### Permissions to add\n\nGitHub refused github-token these 3 permissions; add them to the job and run it again:\n\n```yaml\npermissions:\n  actions: read\n  contents: write\n  pull-requests: read\n```'
    )
    expect(stand.hivel.requests).toHaveLength(0)
  })

  it('asks only contents: read of a dry run, which reads the ledger and writes nothing', async () => {
    data.refuse = { [`/repos/${REPO}/git/ref/hivel/incidents`]: REFUSED }
    Object.assign(core.inputs, { 'pr-number': '5', 'reported-time': '2026-11-26T10:00:00Z', 'dry-run': 'true' })
    await run()
    expect(failure()).toContain("add `contents: read` to the job's `permissions:`")
    expect(refusedWarnings()[0][1]).toEqual({ title: 'Missing permission: contents: read' })
  })

  it.each([
    ['an issue', () => setEvent(dir, 'issues', issueEvent('Severity: high\n\nCaused by #5')), 12, 'issues: write'],
    [
      'a pull request',
      () => Object.assign(core.inputs, { 'pr-number': '5', 'reported-time': '2026-11-26T10:00:00Z' }),
      5,
      'pull-requests: write'
    ]
  ])('names the one permission the thread of %s needs', async (_kind, arrange, thread, permission) => {
    arrange()
    Object.assign(core.inputs, { severity: 'high' })
    data.refuse = { [`/repos/${REPO}/issues/${thread}/comments`]: REFUSED }
    await run()
    expect(failure()).toContain(`Add \`${permission}\` to the job's \`permissions:\``)
    expect(failure()).not.toMatch(/ or (issues|pull-requests): write/)
    expect(refusedWarnings()[0][1]).toEqual({ title: `Missing permission: ${permission}` })
  })
})

/** The log as folded groups: each group's title and its lines, in the order they were printed; lines outside any under ''. */
function logGroups(): [string, string[]][] {
  const calls = [
    ...core.startGroup.mock.calls.map((c, i) => ({ at: core.startGroup.mock.invocationCallOrder[i], open: String(c[0]) })),
    ...core.endGroup.mock.invocationCallOrder.map(at => ({ at, close: true })),
    ...core.info.mock.calls.map((c, i) => ({ at: core.info.mock.invocationCallOrder[i], line: String(c[0]) }))
  ].sort((a, b) => a.at - b.at)
  const groups: [string, string[]][] = []
  let current: [string, string[]] | undefined
  for (const call of calls) {
    if ('open' in call) groups.push((current = [call.open, []]))
    else if ('close' in call) current = undefined
    else if ('line' in call) (current ?? (groups.push((current = ['', []])), current))[1].push(call.line)
  }
  return groups
}

describe('item 8: log groups for the request, each look-up and each backfill incident', () => {
  it('folds the request to Hivel and each GitHub look-up in its own group', async () => {
    data.jobs = {
      '77/1': [
        {
          name: 'deploy',
          status: 'completed',
          conclusion: 'failure',
          started_at: '2026-11-26T09:50:00Z',
          completed_at: '2026-11-26T10:00:00Z'
        }
      ]
    }
    data.pulls = { [SHA]: 5 }
    await run()
    expect(core.failures()).toEqual([])
    const groups = new Map(logGroups())
    expect([...groups.keys()].sort()).toEqual([
      'GitHub API: the jobs of run 77',
      'GitHub API: the ledger of filed incidents',
      'GitHub API: the pull request of commit aaaaaaa',
      'Hivel: sending the incident run 77'
    ])
    expect(groups.get('GitHub API: the pull request of commit aaaaaaa')).toEqual([
      'Pull request #5 is the one commit aaaaaaa belongs to (GitHub API).'
    ])
    expect(groups.get('GitHub API: the jobs of run 77')).toEqual([
      "The incident began when job 'deploy' failed at 2026-11-26T10:00:00Z (GitHub API)."
    ])
    expect(groups.get('Hivel: sending the incident run 77')).toEqual([
      expect.stringMatching(/^Sending the incident to http:\/\/127\.0\.0\.1:\d+\/api\/hooks\/v1\/incident: /),
      'Attempt 1 of 1: HTTP 200, incident incident-1',
      'Hivel filed incident incident-1'
    ])
    expect(core.startGroup).toHaveBeenCalledTimes(core.endGroup.mock.calls.length)
  })

  it('in a backfill, groups each incident and names it on every line and annotation', async () => {
    const issue = (number: number, more: object = {}) => ({
      number,
      html_url: `https://github.com/${REPO}/issues/${number}`,
      title: `Incident ${number}`,
      body: 'Caused by #41',
      created_at: '2026-10-01T00:00:00Z',
      closed_at: '2026-10-02T10:00:00Z',
      comments: 0,
      labels: [{ name: 'incident' }, { name: 'sev2' }],
      ...more
    })
    data.issues = [issue(3), issue(1, { title: 'x'.repeat(300) })]
    Object.assign(core.inputs, {
      'backfill-since': '2026-09-01',
      'backfill-until': '2026-11-27T00:00:00Z',
      'backfill-reverts': 'false',
      severity: ''
    })
    await run()
    const groups = logGroups().filter(([title]) => title)
    expect(groups.map(([title]) => title).sort()).toEqual([
      'GitHub API: the ledger of filed incidents',
      'Hivel: sending the incident issue #1',
      'Hivel: sending the incident issue #3'
    ])
    for (const [title, lines] of groups.filter(([t]) => t.startsWith('Hivel'))) {
      const name = title.replace('Hivel: sending the incident ', '')
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) expect(line.startsWith(`${name}: `)).toBe(true)
    }
    expect(core.warning).toHaveBeenCalledWith('issue #1: description is 300 characters long; Hivel accepts 255, so it was cut to fit.', {
      title: 'Description cut to fit'
    })
  })
})
