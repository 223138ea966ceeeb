/**
 * A stand-in GitHub API for the situations the defaults read: the jobs of a run attempt, the run
 * attempt itself and the pull requests of a commit, answered with the shapes GitHub's REST API
 * returns. Built on githubApi() from script/stand-in.mjs; event payloads come from events/.
 */
import { readFileSync } from 'node:fs'
import { githubApi, Received, REPO, Server, startServer } from './action.js'

/** What runAction sets: the repository, commit, run and attempt of the step. */
export { REPO }
export const SHA = '0123456789abcdef0123456789abcdef01234567'
export const RUN_ID = 1234
export const RUN_URL = `https://github.com/${REPO}/actions/runs/${RUN_ID}`

/** The name of an event payload in __fixtures__/events. */
export type EventName = 'push' | 'pull_request' | 'workflow_run' | 'deployment_status' | 'issues' | 'issues-form' | 'workflow_dispatch'

/** An event payload as JSON: tests read and change fields by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = { [field: string]: any }

/** An event payload from __fixtures__/events, parsed afresh so a test may change it. */
export function eventFixture(name: EventName): Payload {
  return JSON.parse(readFileSync(new URL(`./events/${name}.json`, import.meta.url), 'utf8')) as Payload
}

/** A job as GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{n}/jobs lists it. */
export function job(name: string, conclusion: string | null, startedAt: string, completedAt: string | null, id = 30000 + name.length) {
  return {
    id,
    run_id: RUN_ID,
    run_url: `https://api.github.com/repos/${REPO}/actions/runs/${RUN_ID}`,
    run_attempt: 1,
    node_id: `CR_kwDOKuCfsc8AAAAG${id}`,
    head_sha: SHA,
    url: `https://api.github.com/repos/${REPO}/actions/jobs/${id}`,
    html_url: `${RUN_URL}/job/${id}`,
    status: completedAt ? 'completed' : 'in_progress',
    conclusion,
    created_at: startedAt,
    started_at: startedAt,
    completed_at: completedAt,
    name,
    steps: [],
    labels: ['ubuntu-latest'],
    runner_name: 'GitHub Actions 12',
    runner_group_name: 'GitHub Actions',
    workflow_name: 'Deploy',
    head_branch: 'main'
  }
}

/** A pull request as GET /repos/{owner}/{repo}/commits/{sha}/pulls lists it. */
export function pull(number: number, merged: { merged_at: string; merge_commit_sha: string } | null) {
  return {
    url: `https://api.github.com/repos/${REPO}/pulls/${number}`,
    id: 2190000000 + number,
    number,
    html_url: `https://github.com/${REPO}/pull/${number}`,
    state: merged ? 'closed' : 'open',
    title: `Change ${number}`,
    user: { login: 'mona', id: 1024025, type: 'User' },
    created_at: '2026-11-24T10:00:00Z',
    updated_at: '2026-11-26T07:55:08Z',
    closed_at: merged?.merged_at ?? null,
    merged_at: merged?.merged_at ?? null,
    merge_commit_sha: merged?.merge_commit_sha ?? 'f00df00df00df00df00df00df00df00df00df00d',
    draft: false,
    head: { ref: `change-${number}`, sha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
    base: { ref: 'main', sha: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432' }
  }
}

/** A pull request as a workflow_run event's pull_requests lists it. */
export function runPullRequest(number: number) {
  const repo = { id: 719372465, url: `https://api.github.com/repos/${REPO}`, name: 'checkout-service' }
  return {
    url: `https://api.github.com/repos/${REPO}/pulls/${number}`,
    id: 2190000000 + number,
    number,
    head: { ref: `change-${number}`, sha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', repo },
    base: { ref: 'main', sha: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', repo }
  }
}

/** A route's answer: a JSON body (status 200), or a function of the request giving [status, body]. */
type Route = unknown

/** API paths, each with the request the action makes for it. */
export const path = {
  jobs: (runId = RUN_ID, attempt = 1) => `/repos/${REPO}/actions/runs/${runId}/attempts/${attempt}/jobs`,
  attempt: (runId = RUN_ID, attempt = 1) => `/repos/${REPO}/actions/runs/${runId}/attempts/${attempt}`,
  pulls: (sha = SHA) => `/repos/${REPO}/commits/${sha}/pulls`
}

/** The body GET .../jobs answers with. */
export const jobsList = (...jobs: ReturnType<typeof job>[]) => ({ total_count: jobs.length, jobs })

/** A run attempt as GET .../attempts/{n} returns it. */
export const runAttempt = (runStartedAt: string) => ({
  id: RUN_ID,
  name: 'Deploy',
  run_attempt: 1,
  status: 'in_progress',
  conclusion: null,
  event: 'push',
  head_sha: SHA,
  html_url: RUN_URL,
  created_at: runStartedAt,
  updated_at: runStartedAt,
  run_started_at: runStartedAt
})

/** GitHub's answer to a GITHUB_TOKEN without the permission a call needs. */
export const denied = (): [number, unknown] => [
  403,
  {
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest/actions/workflow-jobs',
    status: '403'
  }
]

/** A route that never answers, for time-outs. */
export const NEVER_ANSWERS = Symbol('never answers')

/** A stand-in GitHub API and what was asked of it. */
export interface GitHubStandIn extends Server {
  /** Each request as "GET /path" (query left off), in order. */
  asked(): string[]
}

/** Starts a stand-in GitHub API on 127.0.0.1 answering from routes; anything else is GitHub's 404. */
export async function startGitHub(routes: Record<string, Route>): Promise<GitHubStandIn> {
  const answering = Object.fromEntries(Object.entries(routes).filter(([, r]) => r !== NEVER_ANSWERS))
  const answer = githubApi(answering)
  const server = await startServer((req, res, count) => {
    // Left unanswered: the socket stays open until the action gives up or the server closes.
    if (routes[req.url.split('?')[0]] === NEVER_ANSWERS) return
    return answer(req, res, count)
  })
  return { ...server, asked: () => server.requests.map((r: Received) => `${r.method} ${r.url.split('?')[0]}`) }
}
