/**
 * script/history-stand-in.mjs keeps a thread as GitHub does when a comment is posted to it: the
 * issue's comments count and updated_at, the pull request's place in the list sorted by update,
 * and the comment's own times, which `since` reads.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { REPO } from '../__fixtures__/action.js'
import { History, HistoryStandIn, PullData, startHistory } from '../__fixtures__/history.js'

const OLD = '2026-10-01T10:00:00Z'
const pull = (number: number, updated: string): PullData => ({
  number,
  html_url: `https://github.com/${REPO}/pull/${number}`,
  title: `Change ${number}`,
  body: null,
  state: 'closed',
  updated_at: updated,
  merged_at: updated,
  merge_commit_sha: `${number}`.padStart(40, 'c'),
  user: { login: 'mona' },
  labels: [],
  head: { ref: `change-${number}`, sha: `${number}`.padStart(40, 'd') },
  base: { ref: 'main', repo: { full_name: REPO, default_branch: 'main' } }
})

let github: HistoryStandIn
const history: History = {
  issues: [
    { number: 3, title: 'Checkout down', comments: 0, created_at: OLD, updated_at: OLD },
    { number: 2, title: 'Search slow', comments: 4, created_at: OLD, updated_at: OLD }
  ],
  pullRequests: [pull(9, '2026-10-03T10:00:00Z'), pull(8, '2026-10-02T10:00:00Z')]
}
beforeAll(async () => {
  github = await startHistory(history)
})
afterAll(() => github.close())

const get = async (path: string) => (await fetch(`${github.url}/repos/${REPO}${path}`)).json() as Promise<Record<string, unknown>[]>
const comment = (number: number) =>
  fetch(`${github.url}/repos/${REPO}/issues/${number}/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ body: `record of #${number}` })
  })

describe('history stand-in: a comment posted to a thread', () => {
  it('counts on its issue and moves its updated_at; the pull request it is on is updated first; since sees both', async () => {
    const before = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString()
    expect((await comment(3)).status).toBe(201)
    expect((await comment(8)).status).toBe(201)

    const issues = await get('/issues?state=closed')
    expect(issues.map(i => [i.number, i.comments])).toEqual([
      [3, 1],
      [2, 4]
    ])
    expect(Date.parse(String(issues[0].updated_at))).toBeGreaterThanOrEqual(Date.parse(before))
    expect(issues[1].updated_at).toBe(OLD)
    // Read since a time: only what was updated since, as GitHub answers.
    expect((await get(`/issues?state=closed&since=${before}`)).map(i => i.number)).toEqual([3])

    const pulls = await get('/pulls?state=closed&sort=updated&direction=desc')
    expect(pulls.map(p => p.number)).toEqual([8, 9])
    expect(Date.parse(String(pulls[0].updated_at))).toBeGreaterThanOrEqual(Date.parse(before))

    const comments = await get(`/issues/comments?since=${before}`)
    expect(comments.map(c => [c.issue_url, c.body])).toEqual([
      [`${github.url}/repos/${REPO}/issues/3`, 'record of #3'],
      [`${github.url}/repos/${REPO}/issues/8`, 'record of #8']
    ])
    expect(comments.every(c => c.created_at === c.updated_at && Date.parse(String(c.created_at)) >= Date.parse(before))).toBe(true)
    expect(await get(`/issues/comments?since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([])
  })
})
