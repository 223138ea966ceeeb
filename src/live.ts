/** One event: the incident and the deployment of this run's situation, checked, filed once each, and reported. */
import * as core from '@actions/core'
import { readEventOf, resolveDeployment, resolveDraft, RunEnv } from './context.js'
import { isIncidentEvent } from './events.js'
import { buildDeployment } from './deployment.js'
import { failsStep, Filer, Filing, Item, Outcome } from './filing.js'
import type { GitHubApi } from './github-api.js'
import { buildIncident, Built, Payload } from './incident.js'
import { clean } from './redact.js'
import { guard, setOutputs, writeDeploymentSummary, writeSkipped, writeSummary } from './report.js'
import type { Settings } from './schema.js'
import { ContextError, Draft, isSkip, Skip, Thread } from './situations/draft.js'

/** The problems a draft still has once the inputs are laid over it, as one message; undefined when none. */
export function remainingProblems(draft: Draft, settings: Settings): string | undefined {
  const left = (draft.problems ?? []).filter(p => settings[p.field] === undefined)
  return left.length ? [...left.map(p => p.message), ...(draft.then ? [draft.then] : [])].join(' ') : undefined
}

/** The notice or warning an outcome deserves in the log; nothing for a plain send. */
function tell(outcome: Outcome, noun: string): void {
  if (outcome.status === 'already filed') {
    core.notice(
      `Already filed with Hivel as ${noun} ${clean(outcome.incidentId, [])}${outcome.recordUrl ? ` (${outcome.recordUrl})` : ''}: nothing is sent again.`,
      { title: `Hivel ${noun} already filed` }
    )
  } else if (outcome.status === 'in progress')
    core.notice(clean(outcome.problem, [], 2000), { title: `Hivel ${noun} being sent by another run` })
  else if (outcome.status === 'unsure' && outcome.before) core.warning(clean(outcome.problem, [], 2000), { title: `Hivel ${noun} unsure` })
}

/** A pr-number URL of another repository sets repo_url too: said once, with what it means for the record. */
function followsPullRequest(settings: Settings, env: RunEnv): void {
  const other = settings['pr-number']?.repoUrl
  if (!other || settings['repo-url'] || other.toLowerCase() === `${env.serverUrl}/${env.repository}`.toLowerCase()) return
  core.notice(
    clean(
      `pr-number is a pull request of ${other}, so repo_url follows it: Hivel counts the incident against ${other}, not ${env.repository}. Set repo-url to choose otherwise.`,
      []
    ),
    { title: 'repo_url follows pr-number' }
  )
}

/**
 * Files what this run's event is: a deployment (deployments: true), an incident, both (a recovery
 * of the deploy workflow sends its deployment, then files the outage), or nothing, each once.
 */
export async function fileLive(settings: Settings, env: RunEnv, now: Date, api: GitHubApi, filing: Filing): Promise<void> {
  const event = readEventOf(env)
  const deployment = settings.deployments ? await resolveDeployment(settings, env, now, api, event) : undefined
  // A step inside the deploy workflow reports its deployment; only the events the action reads are incidents then.
  const incidentToo = !settings.deployments || isIncidentEvent(env.eventName)
  let opened: Promise<Filer> | undefined
  const open = () => (opened ??= Filer.open(filing, api))
  // The ledger is read while the situation's look-ups are made (neither waits for the other), once the draft can be filed.
  const draft = incidentToo
    ? await resolveDraft(
        settings,
        env,
        now,
        api,
        async found => {
          if (!remainingProblems(found, settings)) await open()
        },
        event
      )
    : undefined
  const skipped = [deployment, draft].filter(found => found && isSkip(found)).map(found => (found as Skip).skip)
  for (const reason of skipped) core.notice(clean(reason, []), { title: 'Nothing to send to Hivel' })
  const items: Item[] = []
  // Every record is built and checked before anything is sent: bad input sends nothing.
  const sendsDeployment = !!deployment && !isSkip(deployment)
  if (sendsDeployment) items.push({ deployment: buildDeployment(settings, deployment, now) })
  let incident: { built: Built; thread?: Thread } | undefined
  if (draft && !isSkip(draft)) {
    const problems = remainingProblems(draft, settings)
    if (problems) throw new ContextError(problems)
    if (draft.outage?.cutShort)
      core.warning(
        `${draft.outage.cutShort}: the incident is filed from the earliest failure seen, so the outage may have begun earlier.`,
        {
          title: 'Outage may have begun earlier'
        }
      )
    incident = { built: buildIncident(settings, draft.defaults, now), thread: draft.thread }
    followsPullRequest(settings, env)
    items.push(incident)
  }
  if (!incident) setOutputs('')
  if (settings.deployments && !sendsDeployment) guard('set the outputs', () => core.setOutput('deployment_id', ''))
  if (!items.length) return writeSkipped(skipped.join(' '))
  const filer = await open()
  // One at a time, the deployment first: Hivel counts the failure against a deployment it already has.
  const outcomes = await filer.file(
    items,
    // A record filed before reports what was sent then (nothing, when its record does not say), not what this run would send.
    (i, id, sent) => {
      if ('deployment' in items[i]) guard('set the outputs', () => core.setOutput('deployment_id', id))
      else setOutputs(id, sent as Payload | undefined)
    },
    1
  )
  await filer.confirm()
  const failed = items.flatMap((item, i) => {
    const outcome = outcomes[i]
    tell(outcome, 'deployment' in item ? 'deployment' : 'incident')
    if (!('deployment' in item) && !('incidentId' in outcome) && outcome.status !== 'dry run') setOutputs('', item.built.payload)
    return failsStep(outcome) && 'problem' in outcome ? [outcome.problem] : []
  })
  for (const [i, item] of items.entries()) {
    if ('deployment' in item) await writeDeploymentSummary(item.deployment, outcomes[i])
    else await writeSummary(item.built, outcomes[i], draft && !isSkip(draft) ? draft.outage : undefined)
  }
  if (skipped.length && incident === undefined) await writeSkipped(skipped.join(' '))
  if (failed.length) throw new ContextError(failed.join(' '))
}
