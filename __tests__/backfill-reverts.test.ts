/**
 * Issue 18 on the built action (Node 24): a backfill finds the merged reverts of its window in the
 * closed pull request list and main's commit list, of every kind, at a cost the token's hour
 * affords: no pull request's commits are read.
 */
import { describe, expect, it } from '@jest/globals'
import { REPO, useHivel } from '../__fixtures__/action.js'
import { runOnHistory } from '../__fixtures__/history.js'
import { revertHistory } from '../script/bench-history.mjs'

const hivelServer = useHivel()

/** 90 days, 300 merged pull requests: 12 reverts (4 of each kind, 3 of pull requests merged before the window), 4 own-branch undos. */
const plan = revertHistory({ since: '2026-09-01T00:00:00Z', until: '2026-11-30T00:00:00Z', merged: 300, reverts: 12, undos: 4 })
const inputs = { 'backfill-since': '2026-09-01', 'backfill-until': '2026-11-30T00:00:00Z', 'backfill-issues': 'false' }
const merged = (n: number) => plan.history.pullRequests.find(p => p.number === n)?.merged_at

/** A GitHub request by what it is for. */
function kind(request: string): string {
  const [method, url] = request.split(' ')
  const path = url.replace(`/repos/${REPO}`, '').split('?')[0]
  if (/^\/pulls\/\d+\/commits$/.test(path)) return "a pull request's commits"
  if (/^\/commits\/\w+\/pulls$/.test(path)) return 'pull request of a commit'
  if (/^\/pulls\/\d+$/.test(path)) return 'pull request'
  if (path === '/pulls' || path === '/commits') return `${path} page`
  if (path === '') return 'repository'
  return `${method} record`
}

const count = (asked: string[]) => {
  const counts: Record<string, number> = {}
  for (const request of asked) counts[kind(request)] = (counts[kind(request)] ?? 0) + 1
  return counts
}

describe('backfill-reverts: every revert of a window, from two lists', () => {
  it('files each revert once, of every kind, blaming what it reverted, and no own-branch undo', async () => {
    const { result } = await runOnHistory(plan.history, hivelServer.url, { inputs })
    expect(result.code).toBe(0)
    const sent = hivelServer.requests.map(r => r.json as Record<string, string>)
    expect(sent.map(p => p.provider_id).sort()).toEqual(plan.reverts.map(r => `${REPO}/pull/${r.number}`).sort())
    for (const { number, reverts } of plan.reverts) {
      expect(sent.find(p => p.provider_id === `${REPO}/pull/${number}`)).toMatchObject({
        pr_number: String(reverts),
        reported_time: merged(reverts),
        resolution_time: merged(number)
      })
    }
    expect(result.outputs.filed).toBe('12')
    for (const undo of plan.undos) expect(result.shown).not.toContain(`/pull/${undo}`)
  })

  it("asks GitHub the list pages and at most two look-ups per revert or undo, never a pull request's commits", async () => {
    const { result, github } = await runOnHistory(plan.history, hivelServer.url, { inputs: { ...inputs, 'dry-run': 'true' } })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.outputs.incidents)).toHaveLength(12)
    const { 'GET record': records, ...finding } = count(github.asked())
    // 330 closed pull requests in the window (30 unmerged) and the first before it: 4 pages of 100; main's 598 commits
    // in the window: 6 pages. The default branch comes from the listed pull requests: the repository is not read.
    // Looked up once each, what the lists do not hold: the pull request reverted by the 3 reverts of changes merged
    // before the window (one by number, two by commit); the pull request of the 2 `git revert` commits that are
    // neither a merge nor a head; the reverted commit of the 4 undos, and the undo's own commit for the 2 merged with a
    // merge commit.
    expect(finding).toEqual({ '/pulls page': 4, '/commits page': 6, 'pull request': 1, 'pull request of a commit': 10 })
    // The dry run reads the ledger and each revert's record, and writes nothing.
    expect(records).toBe(13)
    expect(result.shown).toContain(`; ${github.asked().length} GitHub API requests.`)
  })
})
