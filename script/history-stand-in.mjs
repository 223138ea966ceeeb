/**
 * A stand-in GitHub API that serves a repository's history as GitHub does: lists newest first, in
 * pages of per_page (at most 100) with a Link header to the next, x-ratelimit-* headers on every
 * answer, and comments that are kept, so a second run sees the record the first one left. Used by
 * the tests (through __fixtures__/history.ts) and by the benchmark.
 */
import { REPO } from './run-action.mjs'
import { commitLedger, gitData, gitDatabase, ledgerOf } from './git-stand-in.mjs'
import { startServer } from './stand-in.mjs'

/**
 * A workflow run as the runs list and the attempts endpoint return it.
 * @typedef {object} RunData
 * @property {number} id
 * @property {number} workflow_id
 * @property {string} name
 * @property {number} run_attempt
 * @property {'completed'} status
 * @property {string | null} conclusion
 * @property {string} head_branch
 * @property {string} head_sha
 * @property {string} html_url
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} [run_started_at] when this attempt started
 * @property {number} [run_number]
 * @property {{ number: number }[]} pull_requests
 * @property {{ login: string }} actor
 * @property {{ login: string }} triggering_actor
 */

/**
 * A pull request as the pulls endpoints and a commit's pull requests return it.
 * @typedef {object} PullData
 * @property {number} number
 * @property {string} html_url
 * @property {string} title
 * @property {string | null} body
 * @property {'open' | 'closed'} state
 * @property {string} updated_at
 * @property {string | null} merged_at
 * @property {string | null} merge_commit_sha
 * @property {{ login: string }} user
 * @property {{ name: string }[]} labels
 * @property {{ ref: string, sha: string }} head
 * @property {{ ref: string, repo: { full_name: string, default_branch: string } }} base
 */

/**
 * A commit as a branch's commit list and a pull request's commits return it.
 * @typedef {{ sha: string, commit: { message: string, committer: { date: string } } }} CommitData
 */

/**
 * A comment as the comments list returns it.
 * @typedef {{ id: number, body: string, html_url: string, user?: { login: string }, created_at?: string, updated_at?: string }} CommentData
 */

/**
 * The history the stand-in serves; every list newest first.
 * @typedef {object} History
 * @property {RunData[]} [runs]
 * @property {Record<string, RunData>} [attempts]
 * @property {Record<string, { name: string, status: string, conclusion: string | null, started_at: string, completed_at: string | null }[]>} [jobs] each run attempt's jobs, by "run/attempt"
 * @property {{ id: number, sha: string, environment: string, created_at: string, creator?: { login: string } }[]} [deployments]
 * @property {Record<number, { state: string, created_at: string, target_url?: string, creator?: { login: string } }[]>} [statuses]
 * @property {{ number: number, comments?: number, updated_at?: string | null, [field: string]: unknown }[]} [issues] as the issues list returns them; a comment
 *   posted to one counts in its `comments` and moves its `updated_at`, as on GitHub
 * @property {Record<string, number>} [pulls] pull request numbers by commit sha, for commits of no pull request in pullRequests
 * @property {PullData[]} [pullRequests] closed pull requests, most recently updated first; a commit's pull requests are those
 *   it is the merge, the head or one of the commits of
 * @property {Record<number, CommitData[]>} [pullCommits] each pull request's commits, oldest first
 * @property {Record<string, CommitData[]>} [commits] each branch's commits, newest first
 * @property {Record<number, CommentData[]>} [comments] by issue or pull request number, oldest first; the stand-in adds what is posted
 * @property {{ id: number, name: string, path: string }[]} [workflows]
 * @property {Record<string, [number, unknown, Record<string, string>?]>} [refuse] answers to override by path (no query): [status, body, headers]
 * @property {{ remaining: number, reset?: number, resetIn?: number, limit?: number }} [rateLimit] the rate-limit budget left, when it
 *   resets: at `reset` (epoch seconds), or `resetIn` seconds after the first request (however long the step took to start),
 *   and its hourly limit (1,000 as a workflow token's by default); one object given to many stand-ins is one budget they
 *   share (an app installation's), and a request when none is left is refused with 403 as GitHub does
 * @property {string} [repository] the repository served, owner/name (REPO by default); any other answers 404
 * @property {boolean} [archived] the repository is archived: read-only, as GitHub answers writes to one
 * @property {number[]} [locked] threads whose conversation is locked: a comment on them is refused with 403
 * @property {import('./git-stand-in.mjs').GitData} [git] a Git database to share between stand-ins (two APIs of one repository)
 * @property {string} [ledger] the ledger's text to begin with, committed on refs/hivel/incidents
 * @property {(req: import('./stand-in.mjs').Received) => 'hold' | [number, unknown, Record<string, string>?] | undefined} [before] sees each request first
 *   (a test kills the step there); 'hold' leaves it unanswered and undone, as a request lost with its process;
 *   [status, body, headers] answers it so instead
 */

/**
 * The stand-in, what it was asked, and the comments it holds.
 * @typedef {import('./stand-in.mjs').Server & { asked: () => string[], comments: Record<number, CommentData[]>, git: import('./git-stand-in.mjs').GitData, ledger: () => any }} HistoryStandIn
 */

/**
 * A run of workflow 7 ("Deploy") on main, finished at `finished` (ISO), started a few minutes before.
 * @param {number} id
 * @param {string | null} conclusion
 * @param {string} finished
 * @param {Partial<RunData>} [more]
 * @returns {RunData}
 */
export function runOf(id, conclusion, finished, more = {}) {
  const created = new Date(Date.parse(finished) - 5 * 60_000).toISOString().replace('.000Z', 'Z')
  return {
    id,
    workflow_id: 7,
    name: 'Deploy',
    run_attempt: 1,
    status: 'completed',
    conclusion,
    head_branch: 'main',
    head_sha: `${id}`.padStart(40, 'a'),
    html_url: `https://github.com/${REPO}/actions/runs/${id}`,
    created_at: created,
    updated_at: finished,
    pull_requests: [],
    actor: { login: 'mona' },
    triggering_actor: { login: 'mona' },
    ...more
  }
}

/** Now, as GitHub writes times: whole seconds, Z. */
const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * What `since` keeps of a list, as GitHub reads it: what was updated at or after it (an item
 * without updated_at is kept).
 * @template {{ updated_at?: string | null }} T
 * @param {T[]} items
 * @param {URL} url
 */
function updatedSince(items, url) {
  const since = Date.parse(url.searchParams.get('since') ?? '')
  return Number.isNaN(since) ? items : items.filter(item => !item.updated_at || Date.parse(item.updated_at) >= since)
}

/**
 * A new comment on thread `number`, as GitHub keeps it: the issue's `comments` count goes up and
 * the issue or pull request is updated now (a pull request moves to the front of the list sorted
 * by update, most recent first).
 * @param {History} history
 * @param {number} number
 * @param {string} at
 */
function touchThread(history, number, at) {
  const issue = history.issues?.find(i => i.number === number)
  if (issue) Object.assign(issue, { comments: (issue.comments ?? 0) + 1, updated_at: at })
  const pulls = history.pullRequests ?? []
  const i = pulls.findIndex(p => p.number === number)
  if (i === -1) return
  const [pull] = pulls.splice(i, 1)
  pulls.unshift({ ...pull, updated_at: at })
}

/**
 * One page of a list, and the Link to the next when there is one.
 * @template T
 * @param {T[]} items
 * @param {URL} url
 * @param {string} base
 * @returns {{ body: T[], link?: string }}
 */
function page(items, url, base) {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
  const n = Number(url.searchParams.get('page') ?? 1)
  const body = items.slice((n - 1) * perPage, n * perPage)
  if (n * perPage >= items.length) return { body }
  const next = new URL(url.href)
  next.searchParams.set('page', String(n + 1))
  return { body, link: `<${base}${next.pathname}${next.search}>; rel="next"` }
}

/**
 * Starts the stand-in on 127.0.0.1.
 * @param {History} history
 * @returns {Promise<HistoryStandIn>}
 */
export async function startHistory(history) {
  const comments = history.comments ?? {}
  const git = history.git ?? gitData()
  if (history.ledger !== undefined) commitLedger(git, history.ledger)
  const repository = history.repository ?? REPO
  const API = `/repos/${repository}`
  // Read at each request, so that a test may set a budget on a stand-in already running.
  /** @type {NonNullable<History["rateLimit"]>} */
  const unlimited = { remaining: 1000 }
  let commentId = 9000
  let base = ''
  const server = await startServer((req, res) => {
    const instead = history.before?.(req)
    if (instead === 'hold') return
    const url = new URL(req.url, 'http://stand-in')
    const path = url.pathname
    const budget = history.rateLimit ?? unlimited
    const seconds = Math.floor(Date.now() / 1000)
    // A reset resetIn seconds away is fixed at the first request, as GitHub's window is.
    if (budget.reset === undefined && budget.resetIn !== undefined) budget.reset = seconds + budget.resetIn
    // The budget comes back whole at its reset, for the hour after.
    if (budget.reset !== undefined && seconds >= budget.reset)
      Object.assign(budget, { remaining: budget.limit ?? 1000, reset: seconds + 3600 })
    const spent = budget.remaining <= 0
    budget.remaining = Math.max(0, budget.remaining - 1)
    /** @type {Record<string, string>} */
    const headers = {
      'Content-Type': 'application/json',
      'x-ratelimit-limit': String(budget.limit ?? 1000),
      'x-ratelimit-remaining': String(budget.remaining),
      'x-ratelimit-reset': String(budget.reset ?? seconds + 3600)
    }
    const send = (/** @type {number} */ status, /** @type {unknown} */ body, /** @type {Record<string, string>} */ more = {}) =>
      void res
        .writeHead(status, { ...headers, ...more })
        .end(typeof body === 'string' && more['Content-Type'] ? body : JSON.stringify(body))
    if (spent) return send(403, { message: 'API rate limit exceeded for installation ID 1.' })
    if (!path.startsWith(`${API}/`) && path !== API) return send(404, { message: 'Not Found' })
    if (history.archived && req.method !== 'GET') return send(403, { message: 'Repository was archived so is read-only.' })
    const refused = Array.isArray(instead) ? instead : history.refuse?.[path]
    if (refused) return send(refused[0], refused[1], refused[2])
    const list = (/** @type {unknown[]} */ items, /** @type {string} */ wrap = '') => {
      const { body, link } = page(items, url, base)
      send(200, wrap ? { total_count: items.length, [wrap]: body } : body, link ? { Link: link } : {})
    }
    const tail = path.slice(API.length)
    /** @type {RegExpExecArray | null} */
    let m
    if ((m = /^\/actions\/workflows\/(\d+)\/runs$/.exec(tail))) {
      const id = Number(m[1])
      const branch = url.searchParams.get('branch')
      return list(
        (history.runs ?? []).filter(r => r.workflow_id === id && (!branch || r.head_branch === branch)),
        'workflow_runs'
      )
    }
    if ((m = /^\/actions\/runs\/(\d+)\/attempts\/(\d+)\/jobs$/.exec(tail))) return list(history.jobs?.[`${m[1]}/${m[2]}`] ?? [], 'jobs')
    if ((m = /^\/actions\/runs\/(\d+)\/attempts\/(\d+)$/.exec(tail))) {
      const attempt = history.attempts?.[`${m[1]}/${m[2]}`]
      return attempt ? send(200, attempt) : send(404, { message: 'Not Found' })
    }
    if (path === `${API}/actions/workflows`) return list(history.workflows ?? [], 'workflows')
    if (path === API) return send(200, { full_name: repository, default_branch: 'main', archived: !!history.archived })
    if (path === `${API}/deployments`) {
      const environment = url.searchParams.get('environment')
      return list((history.deployments ?? []).filter(d => !environment || d.environment === environment))
    }
    if ((m = /^\/deployments\/(\d+)\/statuses$/.exec(tail))) return list(history.statuses?.[Number(m[1])] ?? [])
    if (path === `${API}/issues`) return list(updatedSince(history.issues ?? [], url))
    if ((m = /^\/commits\/(\w+)\/pulls$/.exec(tail))) {
      const sha = m[1]
      const whole = (history.pullRequests ?? []).filter(
        p => p.merge_commit_sha === sha || p.head.sha === sha || history.pullCommits?.[p.number]?.some(c => c.sha === sha)
      )
      const pr = history.pulls?.[sha]
      return send(200, whole.length || !pr ? whole : [{ number: pr, merged_at: '2026-11-01T00:00:00Z', merge_commit_sha: sha }])
    }
    if (path === `${API}/commits`) {
      const since = Date.parse(url.searchParams.get('since') ?? '') || -Infinity
      const until = Date.parse(url.searchParams.get('until') ?? '') || Infinity
      const branch = history.commits?.[url.searchParams.get('sha') ?? 'main']
      if (!branch) return send(404, { message: 'No commit found for SHA' })
      return list(branch.filter(c => Date.parse(c.commit.committer.date) >= since && Date.parse(c.commit.committer.date) <= until))
    }
    if (path === `${API}/pulls`) {
      const state = url.searchParams.get('state') ?? 'open'
      return list((history.pullRequests ?? []).filter(p => state === 'all' || p.state === state))
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(tail))) {
      const pull = history.pullRequests?.find(p => p.number === Number(m?.[1]))
      return pull ? send(200, pull) : send(404, { message: 'Not Found' })
    }
    if ((m = /^\/pulls\/(\d+)\/commits$/.exec(tail))) return list(history.pullCommits?.[Number(m[1])] ?? [])
    const gitAnswer = gitDatabase(git, req, tail, url)
    if (gitAnswer) return send(...gitAnswer)
    if (tail === '/issues/comments') {
      // Every thread's comments, oldest first, each naming its thread as GitHub does.
      const all = Object.entries(comments).flatMap(([n, thread]) => thread.map(c => ({ ...c, issue_url: `${base}${API}/issues/${n}` })))
      return list(updatedSince(all, url).sort((a, b) => a.id - b.id))
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(tail))) {
      const thread = (comments[Number(m[1])] ??= [])
      if (req.method === 'POST') {
        if (history.locked?.includes(Number(m[1]))) return send(403, { message: 'Unable to create comment because issue is locked.' })
        const id = ++commentId
        const at = stamp()
        const comment = {
          id,
          body: req.json?.body ?? '',
          html_url: `https://github.com/${repository}/issues/${m[1]}#issuecomment-${id}`,
          user: { login: 'github-actions[bot]' },
          created_at: at,
          updated_at: at
        }
        thread.push(comment)
        touchThread(history, Number(m[1]), at)
        return send(201, comment)
      }
      return list(thread)
    }
    send(404, { message: 'Not Found' })
  })
  base = server.url
  return {
    ...server,
    comments,
    git,
    ledger: () => ledgerOf(git),
    asked: () => server.requests.map(r => `${r.method} ${r.url}`)
  }
}
