/**
 * Issue 17 on the built action (Node 24): "at most once, and never a silent loss" when things go
 * wrong between the ledger and Hivel. The step is killed at each write, signalled mid-batch, raced
 * by another run, stopped by the rate limit, and given 5xx, `null` and garbage; the GitHub stand-in
 * keeps one Git database across runs, so every later run sees the ledger the earlier one left.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { hivel, Received, RunResult, Server, startServer } from '../__fixtures__/action.js'
import { REPO } from '../__fixtures__/github.js'
import { History, runOf, runOnHistory } from '../__fixtures__/history.js'
import { commitLedger, gitData, ledgerOf } from '../script/git-stand-in.mjs'

const LIVE_ID = `${REPO}/actions/runs/1234`
type Git = ReturnType<typeof gitData>

/** Stand-ins a test opened, closed after it. */
const opened: Server[] = []
afterEach(async () => {
  for (const server of opened.splice(0)) await server.close()
})

/** A stand-in Hivel that files each POST (as hivel does) unless hook returns true, and keeps what it filed. */
async function startHivel(hook: (req: Received, count: number) => 'hold' | 'fail' | undefined = () => undefined) {
  const filed: string[] = []
  const server = await startServer((req, res, count) => {
    const what = hook(req, count)
    if (what === 'hold') return
    if (what === 'fail') return void res.writeHead(502).end('Bad Gateway')
    filed.push(String(req.json?.provider_id))
    void hivel(req, res, count)
  })
  opened.push(server)
  return Object.assign(server, { filed })
}

/** The step's process, for the stand-ins to signal. */
class Step {
  child?: ChildProcess
  readonly onSpawn = (child: ChildProcess) => void (this.child = child)
  /** Freezes the step before the answer it waits for is written, then kills it: it never sees the answer. */
  killNow(): void {
    this.child?.kill('SIGSTOP')
    setTimeout(() => this.child?.kill('SIGKILL'), 20)
  }
}

interface Run {
  git: Git
  hivel: Server
  history?: History
  inputs?: Record<string, string>
  step?: Step
  eventName?: string
  event?: object
}

/** Runs the built action once against a history stand-in over git. */
const runOnce = ({ git, hivel, history = {}, inputs = {}, step, eventName = 'workflow_dispatch', event = {} }: Run) =>
  runOnHistory({ comments: {}, ...history, git }, hivel.url, {
    eventName,
    event,
    inputs: { 'max-attempts': '1', ...inputs },
    timeoutMs: 60_000,
    onSpawn: step?.onSpawn
  })

/** A manual incident blaming pull request 44 (its comment goes there). */
const LIVE = { 'reported-time': '2026-11-26T10:00:00Z', 'pr-number': '44' }

const isLedgerWrite = (req: Received) => req.method !== 'GET' && /\/git\/refs\b/.test(req.url)
const isComment = (req: Received) => req.method === 'POST' && /\/issues\/\d+\/comments$/.test(req.url)
const warnings = (r: RunResult) => r.shown.split('\n').filter(l => l.startsWith('::warning::'))
const errors = (r: RunResult) => r.shown.split('\n').filter(l => l.startsWith('::error::'))

/** Moves every reservation's deadline into the past, as if its run had died long ago. */
function expire(git: Git): void {
  const ledger = ledgerOf(git)
  for (const entry of Object.values<{ state: string; until?: string }>(ledger.incidents))
    if (entry.state === 'sending') entry.until = '2026-01-01T00:00:00.000Z'
  commitLedger(git, JSON.stringify(ledger))
}

const stateOf = (git: Git, providerId: string) => ledgerOf(git)?.incidents[providerId]?.state

type Point = (req: Received) => 'hold' | 'answer' | false | undefined

/**
 * A live run killed at the GitHub request `point` picks ('hold': that request is lost with the
 * process; 'answer': it is done first), or right as Hivel files it; the stand-ins it left.
 */
async function killedLive(point: Point, atHivel = false) {
  const git = gitData()
  const step = new Step()
  const hivel = await startHivel(atHivel ? () => void step.killNow() : undefined)
  const before = (req: Received) => {
    const at = point(req)
    if (at) step.killNow()
    return at === 'hold' ? 'hold' : undefined
  }
  const killed = await runOnce({ git, hivel, step, inputs: LIVE, history: { before } })
  expect(killed.result.code).toBeNull()
  return { git, hivel, killed }
}

describe('a live run killed at each write', () => {
  it('before its reservation lands: nothing was sent, and a re-run files it once', async () => {
    const { git, hivel } = await killedLive(req => isLedgerWrite(req) && 'hold')
    expect(hivel.filed).toEqual([])
    expect(ledgerOf(git)).toBeUndefined()
    const again = await runOnce({ git, hivel, inputs: LIVE })
    expect(again.result.code).toBe(0)
    expect(hivel.filed).toEqual([LIVE_ID])
    expect(stateOf(git, LIVE_ID)).toBe('filed')
  })

  it('after its reservation, before the POST: no run sends it; once the deadline passes it is named unsure; resend files it once', async () => {
    const { git, hivel } = await killedLive(req => isLedgerWrite(req) && 'answer')
    expect(stateOf(git, LIVE_ID)).toBe('sending')
    // The reservation may still be sending: another run leaves it alone and says so.
    const early = await runOnce({ git, hivel, inputs: LIVE })
    expect(early.result.code).toBe(0)
    expect(early.result.shown).toContain('Being sent by https://github.com/acme/checkout-service/actions/runs/1234')
    expect(hivel.filed).toEqual([])
    expire(git)
    const late = await runOnce({ git, hivel, inputs: LIVE })
    expect(late.result.code).toBe(1)
    expect(errors(late.result).join('\n')).toContain(
      `Hivel may or may not have this incident: https://github.com/${REPO}/actions/runs/1234 stopped while sending it`
    )
    expect(errors(late.result).join('\n')).toContain(`run the workflow with resend: ${LIVE_ID}`)
    expect(stateOf(git, LIVE_ID)).toBe('unsure')
    expect(hivel.filed).toEqual([])
    const resent = await runOnce({ git, hivel, inputs: { ...LIVE, resend: LIVE_ID } })
    expect(resent.result.code).toBe(0)
    expect(hivel.filed).toEqual([LIVE_ID])
    expect(stateOf(git, LIVE_ID)).toBe('filed')
  })

  it("right after Hivel's 2xx, before the comment: never sent again, and named unsure rather than lost", async () => {
    const { git, hivel } = await killedLive(() => undefined, true)
    expect(hivel.filed).toEqual([LIVE_ID])
    expire(git)
    const again = await runOnce({ git, hivel, inputs: LIVE })
    expect(again.result.code).toBe(1)
    expect(errors(again.result).join('\n')).toContain('Hivel may or may not have this incident')
    expect(hivel.filed).toEqual([LIVE_ID])
    // Said once: a later run reports it without failing again, and still sends nothing.
    const later = await runOnce({ git, hivel, inputs: LIVE })
    expect(later.result.code).toBe(0)
    expect(warnings(later.result).join('\n')).toContain('Hivel may or may not have this incident')
    expect(hivel.filed).toEqual([LIVE_ID])
  })

  it.each<[string, Point]>([
    ['after the comment', req => isComment(req) && 'answer'],
    ['before its confirmation lands', req => isLedgerWrite(req) && req.method === 'PATCH' && 'hold']
  ])('%s: the comment proves it filed, and a re-run reports that id', async (_when, point) => {
    const { git, hivel, killed } = await killedLive(point)
    expect(stateOf(git, LIVE_ID)).toBe('sending')
    expire(git)
    const again = await runOnce({ git, hivel, inputs: LIVE, history: { comments: killed.github.comments } })
    expect(again.result.code).toBe(0)
    expect(again.result.outputs.incident_id).toBe('incident-1')
    expect(again.result.shown).toContain('Already filed with Hivel as incident incident-1')
    expect(hivel.filed).toEqual([LIVE_ID])
    expect(ledgerOf(git).incidents[LIVE_ID]).toMatchObject({ state: 'filed', incident_id: 'incident-1' })
  })

  it('after its confirmation lands: a re-run finds it filed at once', async () => {
    let writes = 0
    const { git, hivel } = await killedLive(req => isLedgerWrite(req) && ++writes === 2 && 'answer')
    expect(stateOf(git, LIVE_ID)).toBe('filed')
    const again = await runOnce({ git, hivel, inputs: LIVE })
    expect(again.result.code).toBe(0)
    expect(again.result.outputs.incident_id).toBe('incident-1')
    expect(hivel.filed).toEqual([LIVE_ID])
  })
})

describe('when Hivel may have it', () => {
  it('502: the step fails naming resend; a re-run sends nothing and warns; resend files it once', async () => {
    const git = gitData()
    const hivel = await startHivel((_req, count) => (count === 1 ? 'fail' : undefined))
    const first = await runOnce({ git, hivel, inputs: LIVE })
    expect(first.result.code).toBe(1)
    expect(errors(first.result).join('\n')).toContain('in the resend input')
    expect(stateOf(git, LIVE_ID)).toBe('unsure')
    expect(hivel.requests).toHaveLength(1)
    const second = await runOnce({ git, hivel, inputs: LIVE })
    expect(second.result.code).toBe(0)
    expect(warnings(second.result).join('\n')).toContain(`run the workflow with resend: ${LIVE_ID}`)
    expect(hivel.requests).toHaveLength(1)
    const third = await runOnce({ git, hivel, inputs: { ...LIVE, resend: LIVE_ID } })
    expect(third.result.code).toBe(0)
    expect(hivel.filed).toEqual([LIVE_ID])
    expect(hivel.requests).toHaveLength(2)
  })
})

describe('two runs at once', () => {
  const EMPTY = JSON.stringify({ version: 1, created_at: '2026-11-01T00:00:00.000Z', imported_threads: [], incidents: {} })
  it.each([
    ['before there is a ledger (both create its ref)', undefined],
    ['on a ledger (both move its ref)', EMPTY]
  ])('of one event, %s: Hivel gets one POST, the other run says it is being sent', async (_when, seed) => {
    const git = gitData()
    if (seed) commitLedger(git, seed)
    // Slow enough that the second run reads the ledger while the first is sending.
    const held = await startServer((req, res, count) => void setTimeout(() => void hivel(req, res, count), 400))
    try {
      const [a, b] = await Promise.all([runOnce({ git, hivel: held, inputs: LIVE }), runOnce({ git, hivel: held, inputs: LIVE })])
      expect([a.result.code, b.result.code]).toEqual([0, 0])
      expect(held.requests).toHaveLength(1)
      const said = [a.result.shown, b.result.shown].join('\n')
      expect(said).toMatch(/Being sent by|Already filed with Hivel as incident incident-1/)
      expect(stateOf(git, LIVE_ID)).toBe('filed')
    } finally {
      await held.close()
    }
  })
})

/** A closed incident issue of the window; its thread is the issue itself. */
const issue = (number: number) => ({
  number,
  html_url: `https://github.com/${REPO}/issues/${number}`,
  title: `Incident ${number}`,
  body: `Caused by #${number + 100}`,
  created_at: `2026-11-${String(number).padStart(2, '0')}T09:00:00Z`,
  closed_at: `2026-11-${String(number).padStart(2, '0')}T10:00:00Z`,
  state_reason: 'completed',
  comments: 0,
  user: { login: 'mona' },
  labels: [{ name: 'incident' }, { name: 'sev2' }]
})
/** Twelve incident issues, newest first, as GitHub lists them. */
const ISSUES = Array.from({ length: 12 }, (_, i) => issue(12 - i))
const ISSUE_IDS = ISSUES.map(i => i.html_url).sort()
const BACKFILL = {
  'backfill-since': '2026-11-01',
  'backfill-until': '2026-11-27T00:00:00Z',
  'backfill-reverts': 'false'
}
/** Each provider id Hivel filed, each once. */
const once = (filed: string[]) => {
  expect(new Set(filed).size).toBe(filed.length)
  return [...filed].sort()
}

describe('a backfill stopped part way', () => {
  it('by a cancel (SIGINT) mid-batch: at most one batch in flight, nothing lost, and a re-run files the rest once', async () => {
    const git = gitData()
    const step = new Step()
    // Each answer takes a moment; the cancel comes with the fifth POST, inside the second batch.
    const slow = await startServer((req, res, count) => {
      if (count === 5) step.child?.kill('SIGINT')
      setTimeout(() => void hivel(req, res, count), 150)
    })
    try {
      const stopped = await runOnce({ git, hivel: slow, step, history: { issues: ISSUES }, inputs: BACKFILL })
      expect(stopped.result.code).toBe(1)
      expect(stopped.result.shown).toContain('run it again with the same inputs to resume')
      const first = slow.requests.map(r => String(r.json.provider_id))
      expect(first.length).toBeGreaterThanOrEqual(5)
      expect(first.length).toBeLessThanOrEqual(8)
      // What was in flight was confirmed before the step ended.
      for (const id of first) expect(stateOf(git, id)).toBe('filed')
      const resumed = await runOnce({ git, hivel: slow, history: { issues: ISSUES }, inputs: BACKFILL })
      expect(resumed.result.code).toBe(0)
      expect(once(slow.requests.map(r => String(r.json.provider_id)))).toEqual(ISSUE_IDS)
    } finally {
      await slow.close()
    }
  })

  it('by a spent rate limit with 4 workers: it stops before sending what it could not record, and resumes once', async () => {
    const git = gitData()
    const hivel = await startHivel()
    const reset = Math.floor(Date.now() / 1000) + 7200
    // Three ledger batches (16, 16, 8); the budget covers the reads and the first batch's reservation only.
    const hour = (n: number) => new Date(Date.parse('2026-11-02T00:00:00Z') + n * 3_600_000).toISOString()
    const issues = Array.from({ length: 40 }, (_, i) => ({ ...issue(40 - i), created_at: hour(40 - i), closed_at: hour(41 - i) }))
    const ids = issues.map(i => i.html_url).sort()
    // 20 of them are the ledger's reserve (2% of the limit): reads stop short of it.
    const stopped = await runOnce({ git, hivel, history: { issues, rateLimit: { remaining: 47, reset } }, inputs: BACKFILL })
    expect(stopped.result.code).toBe(1)
    expect(stopped.result.shown).toContain('run it again with the same inputs to resume')
    expect(hivel.filed).toHaveLength(16)
    for (const id of hivel.filed) expect(stateOf(git, id)).toBe('filed')
    expect(Object.values(ledgerOf(git).incidents).filter(e => (e as { state: string }).state !== 'filed')).toEqual([])
    const resumed = await runOnce({ git, hivel, history: { issues }, inputs: BACKFILL })
    expect(resumed.result.code).toBe(0)
    expect(once(hivel.filed)).toEqual(ids)
  })

  it('leaves no comment, so a locked thread is no matter: every incident filed once, and a re-run sends nothing', async () => {
    const git = gitData()
    const hivel = await startHivel()
    const first = await runOnce({ git, hivel, history: { issues: ISSUES.slice(0, 3), locked: [12] }, inputs: BACKFILL })
    expect(first.result.code).toBe(0)
    expect(warnings(first.result)).toEqual([])
    expect(first.github.asked().filter(a => a.startsWith('POST') && a.includes('/comments'))).toEqual([])
    expect(once(hivel.filed)).toEqual(ISSUE_IDS.filter(id => /\/(10|11|12)$/.test(id)))
    const again = await runOnce({ git, hivel, history: { issues: ISSUES.slice(0, 3), locked: [12] }, inputs: BACKFILL })
    expect(again.result.code).toBe(0)
    expect(hivel.filed).toHaveLength(3)
  })
})

describe('a backfill and a live recovery of the same outage at once', () => {
  it('file it once between them', async () => {
    const git = gitData()
    const hivel = await startHivel()
    const held = await startServer((req, res, count) => {
      hivel.filed.push(String(req.json?.provider_id))
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"incident_id":"incident-${count}"}`), 300)
    })
    const success = runOf(105, 'success', '2026-11-26T13:12:00Z')
    const history: History = {
      workflows: [{ id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' }],
      runs: [success, runOf(104, 'failure', '2026-11-26T10:00:00Z'), runOf(103, 'success', '2026-11-26T09:00:00Z')],
      pulls: { [`${104}`.padStart(40, 'a')]: 203 }
    }
    try {
      await Promise.all([
        runOnce({ git, hivel: held, history, inputs: { ...BACKFILL, 'backfill-issues': 'false', 'backfill-workflows': 'deploy.yml' } }),
        runOnce({ git, hivel: held, history, eventName: 'workflow_run', event: { action: 'completed', workflow_run: success } })
      ])
      expect(hivel.filed).toEqual([`${REPO}/actions/runs/104`])
      expect(stateOf(git, `${REPO}/actions/runs/104`)).toBe('filed')
    } finally {
      await held.close()
      await hivel.close()
    }
  })
})

describe('a ledger that cannot be read', () => {
  const cases: [string, History['refuse'], string][] = [
    [
      'answers 502 to every try',
      { [`/repos/${REPO}/git/ref/hivel/incidents`]: [502, { message: 'Bad Gateway' }] },
      'Re-run the job when GitHub answers.'
    ],
    ['answers null', { [`/repos/${REPO}/git/ref/hivel/incidents`]: [200, null] }, 'Nothing was sent'],
    [
      'is refused (no contents permission)',
      { [`/repos/${REPO}/git/ref/hivel/incidents`]: [403, { message: 'Resource not accessible by integration' }] },
      'contents: write'
    ]
  ]
  it.each(cases)('%s: nothing is sent, and the step says why', async (_what, refuse, says) => {
    const hivel = await startHivel()
    const ran = await runOnce({ git: gitData(), hivel, inputs: LIVE, history: { refuse } })
    expect(ran.result.code).toBe(1)
    expect(errors(ran.result).join('\n')).toContain(says)
    expect(hivel.requests).toEqual([])
    expect(ran.github.asked().filter(a => !a.startsWith('GET'))).toEqual([])
  })

  it.each([
    ['is not JSON', 'not json', 'it is not JSON'],
    [
      'holds a state the action does not write',
      JSON.stringify({
        version: 1,
        created_at: '2026-11-01T00:00:00Z',
        imported_threads: [],
        incidents: { x: { state: 'done', run: 'r', at: 'a' } }
      }),
      'incidents.x.state'
    ]
  ])('%s: nothing is sent, and the step says how to restore it', async (_what, text, says) => {
    const hivel = await startHivel()
    const ran = await runOnce({ git: gitData(), hivel, inputs: LIVE, history: { ledger: text } })
    expect(ran.result.code).toBe(1)
    expect(errors(ran.result).join('\n')).toContain(says)
    expect(errors(ran.result).join('\n')).toContain('git fetch origin refs/hivel/incidents')
    expect(hivel.requests).toEqual([])
  })

  it('a thread of records from before the ledger answers null: that incident is not sent, and the step says so', async () => {
    const hivel = await startHivel()
    const history: History = { issues: [{ ...issue(3), comments: 2 }], refuse: { [`/repos/${REPO}/issues/3/comments`]: [200, null] } }
    const ran = await runOnce({ git: gitData(), hivel, history, inputs: BACKFILL })
    expect(ran.result.code).toBe(1)
    expect(ran.result.shown).toContain('Of 1 incidents, 1 were not sent: a re-run sends them')
    expect(ran.result.summary).toContain('its record on #3 could not be read')
    expect(hivel.requests).toEqual([])
  })
})
