/**
 * Issue 20 on the built action (Node 24): one workflow keeps a whole organisation in step. A step in
 * acme/ops syncs other repositories (`repository`, `backfill-since: 2h`), each against a stand-in of
 * its own GitHub API, all drawing on one shared rate budget as the jobs of one app installation do.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, TOKEN, useHivel } from '../__fixtures__/action.js'
import { GITHUB_TOKEN, History, HistoryStandIn, startHistory } from '../__fixtures__/history.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'
import { syncHistory } from '../script/bench-org.mjs'

const hivel = useHivel()
const OPS = 'acme/ops'

/** The last two hours of a repository: a closed incident issue (#12) and a deploy outage (run 103), both ended in the window. */
const busy = (repository: string, budget: { remaining: number; limit?: number; reset?: number } = { remaining: 1000 }): History =>
  syncHistory(1, repository, budget)

const SYNC = {
  'api-token': TOKEN,
  'github-token': GITHUB_TOKEN,
  severity: 'high',
  'backfill-since': '2h',
  'backfill-workflows': 'deploy.yml'
}

interface Totals {
  repository: string
  incidents: Record<string, number>
  requests: number
  stopped?: string
  error?: string
}

/** One matrix leg: the step in acme/ops syncing `repository` against its stand-in. */
async function sync(github: HistoryStandIn, repository: string, more: Record<string, string> = {}) {
  const result = await runAction({
    node: RUNNER_NODE,
    eventName: 'schedule',
    event: {},
    env: { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: OPS },
    inputs: { ...SYNC, 'base-url': hivel.url, repository, ...more },
    timeoutMs: 60_000
  })
  expect(result.shown).not.toContain(TOKEN)
  expect(result.shown).not.toContain(GITHUB_TOKEN)
  return { ...result, totals: JSON.parse(result.outputs.totals ?? 'null') as Totals | null }
}

/** Hivel's provider ids, each once (a duplicate fails). */
function filedOnce(): string[] {
  const ids = hivel.requests.map(r => String((r.json as { provider_id: string }).provider_id))
  expect(ids.length).toBe(new Set(ids).size)
  return ids.sort()
}

describe('organisation: one workflow syncs the repositories of an organisation', () => {
  it('a step in acme/ops backfills acme/payments: every request goes to payments, whose ledger records it and whose URL is blamed', async () => {
    const github = await startHistory(busy('acme/payments'))
    try {
      const ran = await sync(github, 'acme/payments')
      expect(ran.code).toBe(0)
      expect(github.asked().every(a => a.split(' ')[1].startsWith('/repos/acme/payments'))).toBe(true)
      const sent = hivel.requests.map(r => r.json as Record<string, string>)
      expect(sent.map(p => p.provider_id).sort()).toEqual(['acme/payments/actions/runs/103', 'https://github.com/acme/payments/issues/12'])
      for (const payload of sent) expect(payload.repo_url).toBe('https://github.com/acme/payments')
      // Recorded in payments' ledger, by the run in acme/ops that filed it.
      const entries: { state: string; run: string }[] = Object.values(github.ledger().incidents)
      expect(entries).toHaveLength(2)
      for (const entry of entries) expect(entry).toMatchObject({ state: 'filed', run: `https://github.com/${OPS}/actions/runs/1234` })
      expect(ran.totals).toEqual({
        repository: 'acme/payments',
        incidents: { found: 2, filed: 2 },
        deployments: { found: 0 },
        requests: github.asked().length
      })
    } finally {
      await github.close()
    }
  })

  it('a repository the token cannot read fails its step in one line, having asked once and sent nothing', async () => {
    const github = await startHistory(busy('acme/payments'))
    try {
      const ran = await sync(github, 'acme/secret')
      expect(ran.code).toBe(1)
      expect(github.asked()).toEqual(['GET /repos/acme/secret'])
      expect(hivel.requests).toEqual([])
      const failure = ran.shown.split('\n').filter(l => l.startsWith('::error::'))
      expect(failure).toHaveLength(1)
      expect(failure[0]).toContain(
        'Cannot read acme/secret: GitHub answered 404 (not found, which is also what GitHub answers a token that cannot see it)'
      )
      expect(failure[0]).not.toContain('permissions:')
      expect(failure[0]).toContain('github-token must reach acme/secret')
      expect(ran.totals?.error).toContain('Cannot read acme/secret')
    } finally {
      await github.close()
    }
  })

  it('an archived repository is not synced: a notice says why, nothing is sent', async () => {
    const github = await startHistory({ ...busy('acme/legacy'), archived: true })
    try {
      const ran = await sync(github, 'acme/legacy')
      expect(ran.code).toBe(0)
      expect(ran.stdout).toContain('acme/legacy is archived')
      expect(ran.totals).toMatchObject({ skipped: expect.stringContaining('acme/legacy is archived') })
      expect(github.asked()).toEqual(['GET /repos/acme/legacy'])
      expect(hivel.requests).toEqual([])
    } finally {
      await github.close()
    }
  })

  it('an empty repository (no commits yet) has no reverts: its sync says so and files its issues', async () => {
    const history: History = {
      ...busy('acme/empty'),
      refuse: { '/repos/acme/empty/commits': [409, { message: 'Git Repository is empty.' }] }
    }
    const github = await startHistory(history)
    try {
      const ran = await sync(github, 'acme/empty', { 'backfill-workflows': '' })
      expect(ran.stdout).toContain('acme/empty has no commits yet, so no reverts to read.')
      expect(ran.code).toBe(0)
      expect(filedOnce()).toEqual(['https://github.com/acme/empty/issues/12'])
    } finally {
      await github.close()
    }
  })

  it('refuses another repository outside a backfill, naming the input, before any request', async () => {
    const github = await startHistory(busy('acme/payments'))
    try {
      const ran = await sync(github, 'acme/payments', { 'backfill-since': '' })
      expect(ran.code).toBe(1)
      expect(ran.stdout).toContain(
        `Input 'repository' names a repository other than this run's (${OPS}), which only a backfill reads: set backfill-since (2h for a sync) or remove repository`
      )
      expect(github.asked()).toEqual([])
    } finally {
      await github.close()
    }
  })

  it('20 repositories in parallel on one budget: each incident once, at most 10 requests per idle repository, and a budget too small stops cleanly and resumes without a duplicate', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `acme/service-${String(i + 1).padStart(2, '0')}`)
    // An app installation's hour: 5,000 requests, 2% of which each job keeps back for its ledger commits.
    const budget: { remaining: number; limit: number; reset?: number } = { remaining: 5000, limit: 5000 }
    const stands = await Promise.all(names.map(name => startHistory(busy(name, budget))))
    const all = names.flatMap(n => [`${n}/actions/runs/103`, `https://github.com/${n}/issues/12`]).sort()
    const pass = () => Promise.all(stands.map((github, i) => sync(github, names[i])))
    try {
      // Busy: every repository has an issue and an outage in the window.
      const busyRuns = await pass()
      for (const ran of busyRuns) expect(ran.code).toBe(0)
      expect(filedOnce()).toEqual(all)

      // Idle: nothing new since; the window still holds what was filed, which the ledger says and nothing is asked of.
      for (const github of stands) github.requests.length = 0
      hivel.requests.length = 0
      const idle = await pass()
      for (const ran of idle) expect(ran.code).toBe(0)
      expect(hivel.requests).toEqual([])
      for (const github of stands) expect(github.asked().length).toBeLessThanOrEqual(10)
      // The lists of the window and the ledger: nothing is looked up again for what the ledger holds as filed.
      expect(stands[0].asked().map(a => a.split('?')[0].replace(`/repos/${names[0]}`, ''))).toEqual([
        'GET ',
        'GET /issues',
        'GET /actions/workflows',
        'GET /actions/workflows/7/runs',
        'GET /pulls',
        'GET /commits',
        'GET /git/ref/hivel/incidents',
        'GET /contents/incidents.json'
      ])
      expect(idle.map(r => r.totals?.incidents)).toEqual(names.map(() => ({ found: 2, 'already filed': 2 })))

      // A budget too small for all of them, resetting in two hours: some stop, none sends twice.
      for (const github of stands) github.git.refs.clear()
      hivel.requests.length = 0
      Object.assign(budget, { remaining: 260, reset: Math.floor(Date.now() / 1000) + 7200 })
      const short = await pass()
      const stopped = short.filter(r => r.code !== 0)
      expect(stopped.length).toBeGreaterThan(0)
      for (const ran of stopped) {
        expect(ran.totals?.stopped ?? ran.totals?.error).toMatch(/rate limit/)
        expect(ran.stdout).toContain('run it again with the same inputs to resume')
      }
      const before = filedOnce()
      // Nothing was sent that the ledger does not hold as filed: a stop leaves no send unrecorded.
      const recorded = stands.flatMap(github =>
        Object.entries(github.ledger()?.incidents ?? {}).filter(([, e]) => (e as { state: string }).state === 'filed')
      )
      expect(recorded.map(([id]) => id).sort()).toEqual(before)

      // The next scheduled run, after the reset: the rest, once.
      Object.assign(budget, { remaining: 5000, reset: undefined })
      const resumed = await pass()
      for (const ran of resumed) expect(ran.code).toBe(0)
      expect(filedOnce()).toEqual(all)
    } finally {
      await Promise.all(stands.map(github => github.close()))
    }
  }, 240_000)
})
