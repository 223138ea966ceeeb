/**
 * run() in-process against the paginated history stand-in: the recovery, record and backfill paths
 * the built-action tests (recovery.test.ts, backfill.test.ts) cover, here so coverage sees them.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { hivel, setEvent } from '../__fixtures__/action.js'
import * as core from '../__fixtures__/core.js'
import { useRun } from '../__fixtures__/in-process.js'
import { REPO } from '../__fixtures__/github.js'
import { clockAt, closedIssue, History, runOf, useStandIns } from '../__fixtures__/history.js'
import { syncHistory } from '../script/bench-org.mjs'
import { commitLedger, ledgerOf } from '../script/git-stand-in.mjs'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../src/main.js')

const data: History = { comments: {} }
const stand = useStandIns(data)
const dir = useRun(stand, 'main-history')

const event = (name: string, payload: object) => setEvent(dir, name, payload)
const outputs = core.outputs
const sha = (id: number) => `${id}`.padStart(40, 'a')

describe('main.ts with history: recovery and the record', () => {
  it('files a workflow outage once at recovery, and a second run finds the record', async () => {
    const success = runOf(105, 'success', '2026-11-26T13:12:00Z')
    Object.assign(data, {
      runs: [success, runOf(104, 'failure', '2026-11-26T10:00:00Z'), runOf(103, 'success', '2026-11-26T09:00:00Z')],
      pulls: { [sha(104)]: 203 }
    })
    event('workflow_run', { action: 'completed', workflow_run: success })
    await run()
    expect(core.failures()).toEqual([])
    expect(stand.hivel.requests).toHaveLength(1)
    expect(outputs()).toMatchObject({ incident_id: 'incident-1', duration: '3 h 12 min' })
    await run()
    expect(stand.hivel.requests).toHaveLength(1)
    expect(core.notice).toHaveBeenCalledWith(expect.stringMatching(/^Already filed with Hivel as incident incident-1/), core.titled)
  })

  it('with comment: false, leaves no comment on the pull request it blames, while the ledger records the incident', async () => {
    const success = runOf(105, 'success', '2026-11-26T13:12:00Z')
    Object.assign(data, {
      runs: [success, runOf(104, 'failure', '2026-11-26T10:00:00Z'), runOf(103, 'success', '2026-11-26T09:00:00Z')],
      pulls: { [sha(104)]: 203 }
    })
    core.inputs.comment = 'false'
    event('workflow_run', { action: 'completed', workflow_run: success })
    await run()
    expect(core.failures()).toEqual([])
    expect(stand.hivel.requests).toHaveLength(1)
    // The thread is read (records of versions before the ledger), never written.
    expect(stand.github.asked().filter(a => a.startsWith('POST') && a.includes('/comments'))).toEqual([])
    expect(ledgerOf(stand.github.git).incidents[`${REPO}/actions/runs/104`]).toMatchObject({ state: 'filed', incident_id: 'incident-1' })
    expect(core.warning).not.toHaveBeenCalled()
  })

  it('files a failed attempt 1 recovered by attempt 2, and with file-on: failure the failed attempt itself', async () => {
    const retried = { ...runOf(105, 'success', '2026-11-26T13:12:00Z'), run_attempt: 2 }
    Object.assign(data, {
      runs: [retried, runOf(103, 'success', '2026-11-26T09:00:00Z')],
      attempts: { '105/1': { ...runOf(105, 'failure', '2026-11-26T12:00:00Z'), run_attempt: 1 } },
      pulls: { [sha(105)]: 203, [sha(106)]: 204 }
    })
    event('workflow_run', { action: 'completed', workflow_run: retried })
    await run()
    expect(core.failures()).toEqual([])
    expect(stand.hivel.requests[0].json).toMatchObject({ provider_id: `${REPO}/actions/runs/105`, reported_time: '2026-11-26T12:00:00Z' })
    const failed = { ...runOf(106, 'timed_out', '2026-11-26T14:00:00Z'), run_attempt: 3, head_branch: null }
    core.inputs['file-on'] = 'failure'
    event('workflow_run', { action: 'completed', workflow_run: failed })
    await run()
    expect(stand.hivel.requests[1].json).toMatchObject({ provider_id: `${REPO}/actions/runs/106/attempts/3` })
    expect(String(stand.hivel.requests[1].json.description)).toContain(`at ${sha(106).slice(0, 7)}`)
  })

  it('files an environment outage at recovery', async () => {
    Object.assign(data, {
      deployments: [
        { id: 30, sha: sha(30), environment: 'production', created_at: '2026-11-26T13:00:00Z' },
        { id: 28, sha: sha(28), environment: 'production', created_at: '2026-11-26T09:55:00Z' },
        { id: 27, sha: sha(27), environment: 'production', created_at: '2026-11-26T08:00:00Z' }
      ],
      statuses: {
        28: [{ state: 'failure', created_at: '2026-11-26T10:00:00Z' }],
        27: [{ state: 'success', created_at: '2026-11-26T08:05:00Z' }]
      },
      pulls: { [sha(28)]: 198 }
    })
    event('deployment_status', {
      deployment: { id: 30, sha: sha(30), environment: 'production', created_at: '2026-11-26T13:00:00Z' },
      deployment_status: { state: 'success', created_at: '2026-11-26T13:12:00Z' }
    })
    await run()
    expect(core.failures()).toEqual([])
    expect(stand.hivel.requests[0].json).toMatchObject({
      reported_time: '2026-11-26T10:00:00Z',
      provider_id: `${REPO}/deployments/28`,
      pr_number: '198'
    })
  })

  it('files once on a locked thread: the comment is a warning, the ledger the record a re-run finds', async () => {
    data.locked = [203]
    Object.assign(core.inputs, { 'pr-number': '203', 'reported-time': '2026-11-26T10:00:00Z' })
    event('workflow_dispatch', {})
    await run()
    expect(stand.hivel.requests).toHaveLength(1)
    expect(core.failures()).toEqual([])
    expect(core.warning).toHaveBeenCalledTimes(1)
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining('issue is locked. (the conversation is locked)); the ledger holds the record'),
      core.titled
    )
    await run()
    expect(stand.hivel.requests).toHaveLength(1)
    expect(outputs().incident_id).toBe('incident-1')
  })

  it('notes that no record is kept for a pull request of another repository', async () => {
    Object.assign(core.inputs, {
      'pr-number': 'https://github.com/acme/other/pull/5',
      'repo-url': 'acme/other',
      'reported-time': '2026-11-26T10:00:00Z'
    })
    event('workflow_dispatch', {})
    await run()
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining('No comment on this incident is left on GitHub'), core.titled)
    expect(stand.github.requests.filter(r => r.url.includes('/comments'))).toHaveLength(0)
  })
})

describe('main.ts with history: a re-run of an incident filed before', () => {
  afterEach(() => {
    jest.useRealTimers()
  })
  beforeEach(() => {
    // Resolved when the step runs (resolution-time defaults to now): what a re-run must not recompute.
    Object.assign(core.inputs, { 'pr-number': '203', 'reported-time': '2026-12-02T12:04:00Z' })
    event('workflow_dispatch', {})
  })
  const summary = () => core.written.join('\n')

  it('reports what was filed: a 1 h incident re-run 9 h later is still 1 h, with the same payload and id', async () => {
    clockAt('2026-12-02T13:04:00Z')
    await run()
    const first = outputs()
    expect(first).toMatchObject({ incident_id: 'incident-1', duration: '1 h', 'duration-seconds': '3600' })
    expect(JSON.parse(String(first.payload))).toMatchObject({ resolution_time: '2026-12-02T13:04:00Z' })
    expect(ledgerOf(stand.github.git).incidents[`${REPO}/actions/runs/77`].payload).toEqual(JSON.parse(String(first.payload)))

    jest.setSystemTime(new Date('2026-12-02T22:04:00Z'))
    core.setOutput.mockClear()
    core.written.length = 0
    await run()
    expect(core.failures()).toEqual([])
    expect(stand.hivel.requests).toHaveLength(1)
    expect(outputs()).toEqual(first)
    expect(summary()).toContain('A high-severity incident of 1 h, 2026-12-02 12:04 → 13:04 UTC; already filed as **incident-1**')
    expect(summary()).toContain(
      `Filed before, at 2026-12-02 13:04 UTC by https://github.com/${REPO}/actions/runs/77: shown as it was sent then.`
    )
    expect(summary()).toContain('| Resolved | 2026-12-02 13:04 UTC |')
  })

  it('says plainly that what was sent is unknown for a record of a version before the ledger, and leaves those outputs empty', async () => {
    clockAt('2026-12-02T13:04:00Z')
    core.inputs['resolution-time'] = '2026-12-02T13:00:00Z'
    commitLedger(
      stand.github.git,
      JSON.stringify({ version: 1, created_at: '2026-12-02T13:02:00.000Z', imported_threads: [], incidents: {} })
    )
    const comment = `https://github.com/${REPO}/pull/203#issuecomment-1`
    stand.github.comments[203] = [
      {
        id: 1,
        body: `Filed with Hivel as incident **inc-9** <!-- hivel-incident {"provider_id":"${REPO}/actions/runs/77","incident_id":"inc-9"} -->`,
        html_url: comment,
        user: { login: 'github-actions[bot]' }
      }
    ]
    await run()
    expect(stand.hivel.requests).toHaveLength(0)
    expect(outputs()).toEqual({ incident_id: 'inc-9', payload: '', duration: '', 'duration-seconds': '' })
    expect(summary()).toContain(`Filed before, as ${comment} records. What was sent then is not known`)
  })
})

describe('main.ts with history: backfill', () => {
  // Opened on 2026-10-01, without a state reason or an author (as older issues are listed).
  const issue = (number: number, closed: string, more: object = {}) =>
    closedIssue(number, closed, { created_at: '2026-10-01T00:00:00Z', state_reason: undefined, user: undefined, ...more })
  beforeEach(() => {
    Object.assign(data, {
      workflows: [{ id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' }],
      issues: [issue(3, '2026-11-20T10:00:00Z'), issue(1, '2026-10-02T10:00:00Z', { body: 'unknown cause', comments: 2 })],
      runs: [
        runOf(209, 'success', '2026-11-25T12:00:00Z'),
        runOf(208, 'failure', '2026-11-25T10:00:00Z'),
        runOf(207, 'success', '2026-08-01T12:00:00Z')
      ],
      deployments: [
        { id: 30, sha: sha(30), environment: 'production', created_at: '2026-11-26T13:00:00Z' },
        { id: 28, sha: sha(28), environment: 'production', created_at: '2026-11-26T09:55:00Z' },
        { id: 27, sha: sha(27), environment: 'production', created_at: '2026-08-01T08:00:00Z' }
      ],
      statuses: {
        // A newer deployment replaced it since: the recovery is its success, not the replacement.
        30: [
          { state: 'inactive', created_at: '2026-11-26T15:00:00Z' },
          { state: 'success', created_at: '2026-11-26T13:12:00Z' }
        ],
        28: [{ state: 'error', created_at: '2026-11-26T10:00:00Z' }],
        27: [{ state: 'inactive', created_at: '2026-08-01T08:05:00Z' }]
      },
      pulls: { [sha(208)]: 41, [sha(28)]: 42 }
    })
    Object.assign(core.inputs, {
      'backfill-since': '2026-09-01',
      'backfill-until': '2026-11-27T00:00:00Z',
      'backfill-workflows': 'Deploy',
      'backfill-environments': 'production',
      'backfill-reverts': 'false'
    })
    event('workflow_dispatch', {})
  })

  it('files what it can, lists what it cannot, and a second run files nothing', async () => {
    await run()
    const incidents = JSON.parse(String(outputs().incidents)) as { status: string }[]
    expect(incidents.map(i => i.status).sort()).toEqual(['cannot file', 'filed', 'filed', 'filed'])
    expect(outputs().filed).toBe('3')
    const environment = stand.hivel.requests
      .map(r => r.json as Record<string, string>)
      .find(p => p.provider_id === `${REPO}/deployments/28`)
    expect(environment).toMatchObject({ reported_time: '2026-11-26T10:00:00Z', resolution_time: '2026-11-26T13:12:00Z' })
    expect(core.failures()).toEqual([])
    expect(core.written.join('')).toContain('| Status | Source |')
    core.setOutput.mockClear()
    ;(data.issues as { number: number; comments: number }[]).forEach(
      i => (i.comments = stand.github.comments[i.number]?.length ?? i.comments)
    )
    await run()
    expect(outputs().filed).toBe('0')
    expect(stand.hivel.requests).toHaveLength(3)
  })

  it('leaves an incident whose pull request GitHub did not answer not sent, to resume, and refuses one-incident inputs', async () => {
    data.refuse = { [`/repos/${REPO}/commits/${sha(208)}/pulls`]: [502, { message: 'Bad Gateway' }] }
    await run()
    const incidents = JSON.parse(String(outputs().incidents)) as { status: string; provider_id: string }[]
    expect(incidents.find(i => i.provider_id === `${REPO}/actions/runs/208`)?.status).toBe('not sent')
    expect(core.failures()).toContainEqual(expect.stringContaining('were not sent: a re-run sends them'))
    jest.clearAllMocks()
    core.inputs['pr-number'] = '5'
    await run()
    expect(core.error).toHaveBeenCalledWith(expect.stringContaining("Input 'pr-number' describes one incident"), core.titled)
  })

  it('sends nothing in a dry run', async () => {
    core.inputs['dry-run'] = 'true'
    await run()
    expect(stand.hivel.requests).toHaveLength(0)
    expect(stand.github.requests.filter(r => r.method === 'POST')).toHaveLength(0)
  })

  it('fails when Hivel refuses an incident, and names a workflow it does not know', async () => {
    core.inputs['base-url'] = 'http://127.0.0.1:9'
    await run()
    expect(core.failures()).toContainEqual(expect.stringMatching(/3 could not be delivered/))
    core.inputs['backfill-workflows'] = 'nope.yml'
    await run()
    expect(core.failures().at(-1)).toEqual(expect.stringContaining('backfill-workflows names "nope.yml"'))
  })
})

describe('main.ts with history: the ledger when things went wrong before', () => {
  const ID = `${REPO}/actions/runs/77`
  const OTHER_RUN = `https://github.com/${REPO}/actions/runs/5`
  /** A ledger holding ID as another run left it. */
  const seed = (entry: object) =>
    commitLedger(
      stand.github.git,
      JSON.stringify({ version: 1, created_at: '2026-11-01T00:00:00.000Z', imported_threads: [], incidents: { [ID]: entry } })
    )
  const reserved = (until: string) => ({ state: 'sending', run: OTHER_RUN, at: '2026-11-26T12:00:00Z', by: 'other', until })
  const stateOf = () => (ledgerOf(stand.github.git) as { incidents: Record<string, { state: string; why?: string }> }).incidents[ID]
  beforeEach(() => {
    Object.assign(core.inputs, { 'pr-number': '203', 'reported-time': '2026-11-26T10:00:00Z' })
    event('workflow_dispatch', {})
  })

  it('names an old reservation without proof unsure, warns after, and sends it again only when resend names it', async () => {
    seed(reserved('2026-11-26T12:05:00Z'))
    await run()
    expect(core.failures()).toContainEqual(expect.stringContaining(`${OTHER_RUN} stopped while sending it`))
    expect(stand.hivel.requests).toHaveLength(0)
    expect(stateOf().state).toBe('unsure')
    jest.clearAllMocks()
    await run()
    expect(core.failures()).toEqual([])
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining(`run the workflow with resend: ${ID}`), core.titled)
    core.inputs.resend = ID
    await run()
    expect(stand.hivel.requests).toHaveLength(1)
    expect(stateOf().state).toBe('filed')
  })

  it("reports an old reservation that the action's comment proves filed, with that id", async () => {
    seed(reserved('2026-11-26T12:05:00Z'))
    stand.github.comments[203] = [
      {
        id: 1,
        body: `<!-- hivel-incident {"provider_id":"${ID}","incident_id":"inc-9"} -->`,
        html_url: 'c1',
        user: { login: 'github-actions[bot]' }
      }
    ]
    await run()
    expect(stand.hivel.requests).toHaveLength(0)
    expect(core.failures()).toEqual([])
    expect(outputs().incident_id).toBe('inc-9')
    expect(stateOf()).toMatchObject({ state: 'filed', incident_id: 'inc-9' })
  })

  it('leaves a reservation that may still be sending to its run, and says so', async () => {
    seed(reserved('2999-01-01T00:00:00Z'))
    await run()
    expect(stand.hivel.requests).toHaveLength(0)
    expect(core.failures()).toEqual([])
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining(`Being sent by ${OTHER_RUN}`), core.titled)
  })

  it('keeps a 502 as unsure with a short reason, and releases what Hivel refused', async () => {
    stand.answer = (_req, res) => void res.writeHead(502).end('Bad Gateway')
    await run()
    expect(core.failures()).toContainEqual(expect.stringContaining('in the resend input'))
    expect(stateOf()).toMatchObject({ state: 'unsure', why: 'the last attempt got HTTP 502: Bad Gateway' })
    stand.github.git.refs.clear()
    stand.answer = (_req, res) => void res.writeHead(400).end('{"message":"bad"}')
    await run()
    expect(core.failures()).toContainEqual(expect.stringContaining('HTTP 400'))
    expect(ledgerOf(stand.github.git).incidents).toEqual({})
  })

  it('sends nothing when the reservation cannot be written, naming the permission', async () => {
    data.before = req =>
      req.method === 'POST' && req.url.endsWith('/git/refs') ? [403, { message: 'Resource not accessible by integration' }] : undefined
    await run()
    expect(core.failures()).toContainEqual(expect.stringMatching(/^Not sent: Could not write the ledger .*contents: write/))
    expect(stand.hivel.requests).toHaveLength(0)
  })

  it('sends nothing on a ledger it did not write', async () => {
    commitLedger(stand.github.git, '{"version":1}')
    await run()
    expect(core.failures()).toContainEqual(expect.stringContaining('is not what the action writes'))
    expect(stand.hivel.requests).toHaveLength(0)
  })

  it('says what Hivel filed when the ledger cannot record it, and keeps the id', async () => {
    let writes = 0
    data.before = req =>
      req.method !== 'GET' && req.url.includes('/git/refs') && ++writes === 2 ? [403, { message: 'Forbidden' }] : undefined
    await run()
    expect(core.failures()).toContainEqual(
      expect.stringContaining('Filed with Hivel as incident incident-1, but the ledger could not record it')
    )
    expect(outputs().incident_id).toBe('incident-1')
    expect(stateOf().state).toBe('sending')
  })

  it('files an incident resolved before the ledger whose thread no longer exists: a 404 thread holds no record', async () => {
    core.inputs['resolution-time'] = '2026-11-26T11:00:00Z'
    commitLedger(
      stand.github.git,
      JSON.stringify({ version: 1, created_at: '2026-12-01T00:00:00.000Z', imported_threads: [], incidents: {} })
    )
    data.refuse = { [`/repos/${REPO}/issues/203/comments`]: [404, { message: 'Not Found' }] }
    await run()
    expect(stand.github.asked()).toContain(`GET /repos/${REPO}/issues/203/comments?per_page=100`)
    expect(stand.hivel.requests).toHaveLength(1)
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('Could not leave the comment on #203'), core.titled)
  })

  it('stops a backfill at a cancel: sends nothing new, records what it sent, and says a re-run resumes', async () => {
    data.issues = [3, 2, 1].map(n => ({
      number: n,
      html_url: `https://github.com/${REPO}/issues/${n}`,
      title: `Incident ${n}`,
      body: `Caused by #${n + 100}`,
      created_at: '2026-11-01T00:00:00Z',
      closed_at: `2026-11-0${n}T10:00:00Z`,
      comments: 0,
      labels: [{ name: 'incident' }, { name: 'sev2' }]
    }))
    Object.assign(core.inputs, {
      'pr-number': '',
      'reported-time': '',
      'backfill-since': '2026-11-01',
      'backfill-until': '2026-11-27T00:00:00Z',
      'backfill-reverts': 'false',
      'backfill-concurrency': '1'
    })
    delete core.inputs['pr-number']
    delete core.inputs['reported-time']
    stand.answer = (req, res, count) => {
      // The runner cancels the job while the first incident is being sent.
      if (count === 1) {
        process.emit('SIGINT')
        process.emit('SIGTERM')
      }
      return hivel(req, res, count)
    }
    await run()
    expect(core.failures()).toContainEqual(expect.stringContaining('run it again with the same inputs to resume'))
    expect(stand.hivel.requests).toHaveLength(1)
    const filed = Object.entries(ledgerOf(stand.github.git).incidents as Record<string, { state: string }>)
    expect(filed).toEqual([[`https://github.com/${REPO}/issues/3`, expect.objectContaining({ state: 'filed' })]])
  })
})

describe('main.ts with history: a sync of another repository (issue 20)', () => {
  const totals = () => JSON.parse(String(outputs().totals)) as Record<string, unknown>
  beforeEach(() => {
    process.env.GITHUB_REPOSITORY = 'acme/ops'
    Object.assign(core.inputs, { repository: REPO, 'backfill-since': '2h' })
    // An issue and a deploy outage closed in the last two hours, as the organisation bench has them.
    Object.assign(data, syncHistory(1, REPO, { remaining: 1000 }))
    core.inputs['backfill-workflows'] = 'deploy.yml'
  })

  it('files the window of another repository once, blaming it, and a second sync asks nothing of what its ledger holds', async () => {
    await run()
    expect(core.failures()).toEqual([])
    expect(stand.hivel.requests.map(r => r.json.repo_url)).toEqual([`https://github.com/${REPO}`, `https://github.com/${REPO}`])
    expect(Object.values(ledgerOf(stand.github.git).incidents)).toEqual([
      expect.objectContaining({ state: 'filed', run: 'https://github.com/acme/ops/actions/runs/77' }),
      expect.objectContaining({ state: 'filed', run: 'https://github.com/acme/ops/actions/runs/77' })
    ])
    expect(totals()).toMatchObject({ repository: REPO, incidents: { found: 2, filed: 2 } })
    stand.github.requests.length = 0
    await run()
    expect(stand.hivel.requests).toHaveLength(2)
    expect(totals()).toMatchObject({ incidents: { found: 2, 'already filed': 2 } })
    expect(stand.github.asked().filter(a => a.includes('/pulls') && !a.includes('pulls?'))).toEqual([])
  })

  it('reads no ledger when the window holds nothing', async () => {
    Object.assign(data, { issues: [], runs: [] })
    await run()
    expect(core.failures()).toEqual([])
    expect(stand.github.asked().filter(a => a.includes('hivel/incidents'))).toEqual([])
    expect(totals()).toMatchObject({ incidents: { found: 0 }, requests: stand.github.asked().length })
  })

  it('fails in one line for a repository the token cannot read, and says so in totals', async () => {
    core.inputs.repository = 'acme/secret'
    await run()
    expect(core.failures()).toEqual([expect.stringMatching(/^Cannot read acme\/secret: GitHub answered 404 \(not found/)])
    expect(totals()).toMatchObject({ repository: 'acme/secret', error: expect.stringMatching(/^Cannot read acme\/secret/) })
    expect(stand.hivel.requests).toEqual([])
  })

  it('skips an archived repository with a notice', async () => {
    data.archived = true
    await run()
    expect(core.failures()).toEqual([])
    expect(core.notice).toHaveBeenCalledWith(expect.stringContaining(`${REPO} is archived`), core.titled)
    expect(totals()).toMatchObject({ skipped: expect.stringContaining('is archived') })
    expect(stand.hivel.requests).toEqual([])
  })

  it('reads no reverts of an empty repository and goes on', async () => {
    data.refuse = { [`/repos/${REPO}/commits`]: [409, { message: 'Git Repository is empty.' }] }
    await run()
    expect(core.info).toHaveBeenCalledWith(`${REPO} has no commits yet, so no reverts to read.`)
    expect(stand.hivel.requests).toHaveLength(2)
  })

  it('stops while reading the window when the rate limit runs out, before sending anything', async () => {
    data.rateLimit = { remaining: 14, reset: Math.floor(Date.now() / 1000) + 7200 }
    await run()
    expect(core.failures()).toEqual([expect.stringContaining("Stopped while reading the window's history, before sending anything")])
    expect(totals()).toMatchObject({ stopped: expect.stringContaining('rate limit') })
    expect(stand.hivel.requests).toEqual([])
  })
})
