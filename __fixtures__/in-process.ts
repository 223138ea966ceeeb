/** run() in-process as a runner would start it: the environment, the summary file and the inputs of every run. */
import { beforeEach } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TOKEN } from './action.js'
import * as core from './core.js'
import { REPO } from './github.js'
import type { HistoryStandIn } from './history.js'
import type { Server } from './action.js'

/**
 * Before each test: @actions/core's stand-in reset, the runner's environment for these stand-ins (`env` over
 * it), an empty GITHUB_STEP_SUMMARY and the inputs every run gives (`inputs` over them). Gives the step's folder.
 */
export function useRun(
  stand: { readonly hivel: Server; readonly github: HistoryStandIn },
  name: string,
  more: { env?: Record<string, string>; inputs?: Record<string, string> } = {}
): string {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`))
  const saved = { ...process.env }
  beforeEach(() => {
    core.reset()
    process.env = {
      ...saved,
      GITHUB_API_URL: stand.github.url,
      GITHUB_REPOSITORY: REPO,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: 'abc',
      GITHUB_ACTOR: 'octocat',
      GITHUB_RUN_ID: '77',
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      ...more.env
    }
    writeFileSync(join(dir, 'summary'), '')
    Object.assign(core.inputs, {
      'api-token': TOKEN,
      'base-url': stand.hivel.url,
      'github-token': 'ghs_t',
      severity: 'high',
      'max-attempts': '1',
      ...more.inputs
    })
  })
  return dir
}
