/** Typed access to the shared stand-in of a repository's GitHub history (script/history-stand-in.mjs). */
import { expect } from '@jest/globals'
import { History, HistoryStandIn, startHistory } from '../script/history-stand-in.mjs'
import { runAction, RunOptions, RunResult, TOKEN } from './action.js'
import { RUNNER_NODE } from './nodes.js'

export { runOf, startHistory } from '../script/history-stand-in.mjs'
export type { CommentData, CommitData, History, HistoryStandIn, PullData, RunData } from '../script/history-stand-in.mjs'

/** The workflow token the steps get; never shown, never sent to Hivel. */
export const GITHUB_TOKEN = 'ghs_standInGitHubToken0123456789abcdef'

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
