/**
 * A stand-in GitHub API that serves a repository's history as GitHub does: lists newest first, in
 * pages of per_page (at most 100) with a Link header to the next, x-ratelimit-* headers on every
 * answer, and comments that are kept, so a second run sees the record the first one left.
 */
import { Received, Server, startServer } from './action.js'
import { REPO } from './github.js'

const API = `/repos/${REPO}`

/** A workflow run as the runs list and the attempts endpoint return it. */
export interface RunData {
  id: number
  workflow_id: number
  name: string
  run_attempt: number
  status: 'completed'
  conclusion: string | null
  head_branch: string
  head_sha: string
  html_url: string
  created_at: string
  updated_at: string
  pull_requests: { number: number }[]
  actor: { login: string }
  triggering_actor: { login: string }
}

/** A run of workflow 7 ("Deploy") on main, finished at `finished` (ISO), started a few minutes before. */
export function runOf(id: number, conclusion: string | null, finished: string, more: Partial<RunData> = {}): RunData {
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

/** The history the stand-in serves; every list newest first. */
export interface History {
  runs?: RunData[]
  attempts?: Record<string, RunData>
  deployments?: { id: number; sha: string; environment: string; created_at: string; creator?: { login: string } }[]
  statuses?: Record<number, { state: string; created_at: string; target_url?: string; creator?: { login: string } }[]>
  issues?: object[]
  /** Pull request numbers by commit sha. */
  pulls?: Record<string, number>
  /** Comments by issue or pull request number, oldest first; the stand-in adds what is posted. */
  comments?: Record<number, { id: number; body: string; html_url: string }[]>
  workflows?: { id: number; name: string; path: string }[]
  /** Answers to override by path (no query): [status, body, headers]. */
  refuse?: Record<string, [number, unknown, Record<string, string>?]>
  /** The rate-limit budget left, and when it resets (epoch seconds). */
  rateLimit?: { remaining: number; reset: number }
}

/** The stand-in, what it was asked, and the comments it holds. */
export interface HistoryStandIn extends Server {
  /** Each request as "GET /path?query", in order. */
  asked(): string[]
  comments: NonNullable<History['comments']>
}

const page = <T>(items: T[], url: URL, base: string): { body: T[]; link?: string } => {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
  const n = Number(url.searchParams.get('page') ?? 1)
  const body = items.slice((n - 1) * perPage, n * perPage)
  if (n * perPage >= items.length) return { body }
  const next = new URL(url.href)
  next.searchParams.set('page', String(n + 1))
  return { body, link: `<${base}${next.pathname}${next.search}>; rel="next"` }
}

/** Starts the stand-in on 127.0.0.1. */
export async function startHistory(history: History): Promise<HistoryStandIn> {
  const comments = history.comments ?? {}
  let remaining = history.rateLimit?.remaining ?? 1000
  let commentId = 9000
  let base = ''
  const server = await startServer((req: Received, res) => {
    const url = new URL(req.url, 'http://stand-in')
    const path = url.pathname
    remaining = Math.max(0, remaining - 1)
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(history.rateLimit?.reset ?? Math.floor(Date.now() / 1000) + 3600)
    }
    const send = (status: number, body: unknown, more: Record<string, string> = {}): void =>
      void res.writeHead(status, { ...headers, ...more }).end(JSON.stringify(body))
    const refused = history.refuse?.[path]
    if (refused) return send(refused[0], refused[1], refused[2])
    const list = (items: unknown[], wrap?: string) => {
      const { body, link } = page(items, url, base)
      send(200, wrap ? { total_count: items.length, [wrap]: body } : body, link ? { Link: link } : {})
    }
    let m: RegExpExecArray | null
    if ((m = /^\/actions\/workflows\/(\d+)\/runs$/.exec(path.slice(API.length)))) {
      const branch = url.searchParams.get('branch')
      return list(
        (history.runs ?? []).filter(r => r.workflow_id === Number(m?.[1]) && (!branch || r.head_branch === branch)),
        'workflow_runs'
      )
    }
    if ((m = /^\/actions\/runs\/(\d+)\/attempts\/(\d+)$/.exec(path.slice(API.length)))) {
      const attempt = history.attempts?.[`${m[1]}/${m[2]}`]
      return attempt ? send(200, attempt) : send(404, { message: 'Not Found' })
    }
    if (path === `${API}/actions/workflows`) return list(history.workflows ?? [], 'workflows')
    if (path === API) return send(200, { full_name: REPO, default_branch: 'main' })
    if (path === `${API}/deployments`) {
      const environment = url.searchParams.get('environment')
      return list((history.deployments ?? []).filter(d => !environment || d.environment === environment))
    }
    if ((m = /^\/deployments\/(\d+)\/statuses$/.exec(path.slice(API.length)))) return list(history.statuses?.[Number(m[1])] ?? [])
    if (path === `${API}/issues`) return list(history.issues ?? [])
    if ((m = /^\/commits\/(\w+)\/pulls$/.exec(path.slice(API.length)))) {
      const pr = history.pulls?.[m[1]]
      return send(200, pr ? [{ number: pr, merged_at: '2026-11-01T00:00:00Z', merge_commit_sha: m[1] }] : [])
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path.slice(API.length)))) {
      const thread = (comments[Number(m[1])] ??= [])
      if (req.method === 'POST') {
        const id = ++commentId
        const comment = {
          id,
          body: (req.json as { body?: string } | undefined)?.body ?? '',
          html_url: `https://github.com/${REPO}/issues/${m[1]}#issuecomment-${id}`
        }
        thread.push(comment)
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
    asked: () => server.requests.map(r => `${r.method} ${r.url}`)
  }
}
