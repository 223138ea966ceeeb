/** The action's one job: inputs + context → incidents → Hivel (once each) → outputs and summary. */
import * as core from '@actions/core'
import { backfill } from './backfill.js'
import { RunEnv, runEnv } from './context.js'
import type { Filing } from './filing.js'
import { GitHubApi } from './github-api.js'
import { fileLive } from './live.js'
import * as log from './log.js'
import { reportPermissions } from './permissions.js'
import { clean } from './redact.js'
import { readInputs } from './inputs.js'
import { reportProblems, summariesWritten, writeFailure } from './report.js'
import { InputError, parseAll, Settings, settingsSchema } from './schema.js'
import { Stop } from './stop.js'

/** How this run files: where to, how hard to try, whether the ledger is kept; `own` is the run's own repository. */
function filingOf(settings: Settings, env: RunEnv, own: RunEnv, stop: Stop): Filing {
  return {
    delivery: {
      baseUrl: settings['base-url'],
      token: settings['api-token'] ?? '',
      authHeader: settings['auth-header'],
      maxAttempts: settings['max-attempts'],
      timeoutSeconds: settings['timeout-seconds'],
      retryWhenUnsure: settings['retry-when-unsure']
    },
    deploymentToken: settings['deployment-api-token'],
    dryRun: settings['dry-run'],
    record: settings.record,
    comments: settings.comment,
    resend: settings.resend ?? [],
    stop,
    ownRepoUrl: `${env.serverUrl}/${env.repository}`,
    runUrl: `${own.serverUrl}/${own.repository}/actions/runs/${own.runId}`
  }
}

/** Runs the action; every failure ends in one titled error that fails the step (or a warning when fail-on-error is false). */
export async function run(): Promise<void> {
  const now = new Date()
  const raw = readInputs()
  let failOnError = true
  // The token as sent: a pasted scheme word removed, so the bare token is hidden too.
  let apiToken: string | undefined
  const stop = new Stop().listen()
  const summaries = summariesWritten()
  let api: GitHubApi | undefined
  try {
    const own = runEnv()
    const settings = parseAll(settingsSchema(now, own.serverUrl, own.eventName, own.repository), raw)
    // The repository worked on (read, recorded in, blamed): the repository input, else the run's own.
    const env = { ...own, repository: settings.repository ?? own.repository }
    failOnError = settings['fail-on-error']
    apiToken = settings['api-token']
    const [owner = '', repo = ''] = env.repository.split('/')
    api = new GitHubApi(settings['github-token'], { owner, repo }, settings['timeout-seconds'], {
      maxWaitSeconds: settings['rate-limit-wait-seconds']
    })
    const filing = filingOf(settings, env, own, stop)
    if (settings['backfill-since']) await backfill(settings, env, now, api, filing)
    else await fileLive(settings, env, now, api, filing)
  } catch (error) {
    const secrets = [raw['api-token'], apiToken, raw['deployment-api-token'], raw['github-token']]
    if (error instanceof InputError) {
      log.fail(`${await reportProblems(error.problems.map(p => clean(p, secrets, 1000)))}.`, `${log.FAILED}: invalid input`)
      return
    }
    const message = clean(error instanceof Error ? error.message : String(error), secrets, 4000)
    // A failure before any summary (a refused look-up, an issue's misspelt severity) says why there too.
    if (summariesWritten() === summaries) await writeFailure(message, failOnError)
    if (failOnError) log.fail(message)
    else core.warning(`${message} (fail-on-error is false, so the step succeeds.)`, { title: 'Hivel step did not finish' })
  } finally {
    stop.dispose()
    // After the failure's own summary: every permission the run was refused, at once.
    if (api) await reportPermissions(api.refused)
  }
}
