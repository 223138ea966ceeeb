/** The action's one job: inputs + context → incident → Hivel → outputs and summary. */
import * as core from '@actions/core'
import { resolveDefaults, runEnv } from './context.js'
import { DeliveryError, INCIDENT_PATH, authHeaders, sendIncident } from './hivel.js'
import { Built, buildIncident } from './incident.js'
import { readInputs } from './inputs.js'
import { clean } from './redact.js'
import { setOutputs, writeSkipped, writeSummary } from './report.js'
import { InputError, parseAll, settingsSchema } from './schema.js'

/** Runs the action; every failure ends in one setFailed (or a warning when fail-on-error is false). */
export async function run(): Promise<void> {
  const now = new Date()
  const raw = readInputs()
  let failOnError = true
  let built: Built | undefined
  try {
    const env = runEnv()
    const settings = parseAll(settingsSchema(now, env.serverUrl, env.eventName), raw)
    failOnError = settings['fail-on-error']
    const defaults = await resolveDefaults(settings, env, now)
    if ('skip' in defaults) {
      core.notice(defaults.skip)
      setOutputs('')
      await writeSkipped(defaults.skip)
      return
    }
    built = buildIncident(settings, defaults, now)
    const url = `${settings['base-url']}${INCIDENT_PATH}`
    if (settings['dry-run']) {
      const headers = Object.keys(authHeaders('', settings['auth-header'])).map(h => `${h}: ***`)
      core.info(
        `Dry run: nothing is sent. The request would be:\nPOST ${url}\n${headers.join('\n')}\n${JSON.stringify(built.payload, null, 2)}`
      )
      setOutputs('', built.payload)
      await writeSummary(built, { dryRun: true })
      return
    }
    core.info(`Filing the incident with ${url}: ${JSON.stringify(built.payload)}`)
    const incidentId = await sendIncident(built.payload, {
      baseUrl: settings['base-url'],
      token: settings['api-token'] ?? '',
      authHeader: settings['auth-header'],
      maxAttempts: settings['max-attempts'],
      timeoutSeconds: settings['timeout-seconds'],
      retryOnServerError: settings['retry-on-server-error']
    })
    setOutputs(incidentId, built.payload)
    core.info(`Hivel filed incident ${clean(incidentId, [])}`)
    await writeSummary(built, { incidentId, dryRun: false })
  } catch (error) {
    const message = clean(error instanceof Error ? error.message : String(error), [raw['api-token'], raw['github-token']], 4000)
    if (error instanceof InputError) {
      for (const problem of error.problems) core.error(clean(problem, [raw['api-token']], 1000))
      core.setFailed(
        `${error.problems.length === 1 ? 'An input is' : `${error.problems.length} inputs are`} invalid (see above); nothing was sent to Hivel.`
      )
    } else if (error instanceof DeliveryError && !failOnError) {
      core.warning(`${message} (fail-on-error is false, so the step succeeds.)`)
      setOutputs('', built?.payload)
      if (built) await writeSummary(built, { dryRun: false, problem: message })
    } else {
      if (built) await writeSummary(built, { dryRun: false, problem: message })
      core.setFailed(message)
    }
  }
}
