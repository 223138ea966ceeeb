/** Typed access to the shared stand-in of a repository's GitHub history (script/history-stand-in.mjs). */
import { afterAll, beforeAll, beforeEach, expect, jest } from '@jest/globals'
import { History, HistoryStandIn, startHistory } from '../script/history-stand-in.mjs'
import { Handler, hivel, REPO, runAction, RunOptions, RunResult, Server, startServer, TOKEN } from './action.js'
import { RUNNER_NODE } from './nodes.js'

export { runOf, startHistory } from '../script/history-stand-in.mjs'
export type { CommentData, CommitData, History, HistoryStandIn, PullData, RunData } from '../script/history-stand-in.mjs'

/** The workflow token the steps get; never shown, never sent to Hivel. */
export const GITHUB_TOKEN = 'ghs_standInGitHubToken0123456789abcdef'

/**
 * A closed incident issue as the issues list gives it: "Incident N" of REPO, severity sev2, blaming
 * #N+100, opened an hour before `closed`; `more` sets any field otherwise.
 */
export const closedIssue = (number: number, closed: string, more: object = {}) => ({
  number,
  html_url: `https://github.com/${REPO}/issues/${number}`,
  title: `Incident ${number}`,
  body: `Caused by #${number + 100}`,
  created_at: new Date(Date.parse(closed) - 3_600_000).toISOString().replace('.000Z', 'Z'),
  closed_at: closed,
  state_reason: 'completed',
  comments: 0,
  user: { login: 'mona' },
  labels: [{ name: 'incident' }, { name: 'sev2' }],
  ...more
})

/**
 * Runs the built action (Node 24) against a stand-in serving history and Hivel at hivelUrl, with both
 * tokens and severity set; checks that no token shows, and closes the stand-in after.
 */
export async function runOnHistory(
  history: History,
  hivelUrl: string,
  options: RunOptions = {}
): Promise<{ result: RunResult; github: HistoryStandIn }> {
  const github = await startHistory(history)
  try {
    const result = await runAction({
      node: RUNNER_NODE,
      timeoutMs: 30_000,
      ...options,
      env: { GITHUB_API_URL: github.url, ...options.env },
      inputs: { 'api-token': TOKEN, 'base-url': hivelUrl, 'github-token': GITHUB_TOKEN, severity: 'high', ...options.inputs }
    })
    expect(result.shown).not.toContain(TOKEN)
    expect(result.shown).not.toContain(GITHUB_TOKEN)
    expect(JSON.stringify(github.requests)).not.toContain(TOKEN)
    return { result, github }
  } finally {
    await github.close()
  }
}

/**
 * A file's in-process runs: one stand-in Hivel (answering as a test sets `answer`, else as its docs
 * say) and one stand-in of GitHub serving `data`, started once and reset before each test.
 */
export function useStandIns(data: History): { readonly hivel: Server; readonly github: HistoryStandIn; answer?: Handler } {
  let hivelServer: Server
  let github: HistoryStandIn
  const stand = {
    get hivel() {
      return hivelServer
    },
    get github() {
      return github
    },
    answer: undefined as Handler | undefined
  }
  beforeAll(async () => {
    hivelServer = await startServer((req, res, count) => (stand.answer ?? hivel)(req, res, count))
    github = await startHistory(data)
  })
  afterAll(async () => {
    await hivelServer.close()
    await github.close()
  })
  beforeEach(() => {
    resetHistory(data, github)
    hivelServer.requests.length = 0
    stand.answer = undefined
  })
  return stand
}

/** Forgets the history a test set (but the comments list the stand-in shares), what it was asked, what it was posted and the ledger. */
function resetHistory(data: History, github: HistoryStandIn): void {
  for (const key of Object.keys(data) as (keyof History)[]) if (key !== 'comments') delete data[key]
  for (const key of Object.keys(github.comments)) delete github.comments[Number(key)]
  github.requests.length = 0
  github.git.refs.clear()
}

/** Sets the clock runs read; Date alone is faked, so sockets, time-outs and sleeps keep real time. */
export function clockAt(iso: string): void {
  jest.useFakeTimers({
    now: new Date(iso),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout'
    ]
  })
}
