/**
 * An environment's outage: from the first failed deployment's failure status to the status of the
 * next deployment that succeeded. Filed when the environment recovers, from the `deployment_status`
 * event of the success or, in a backfill, from the deployments listed for a window.
 */
import { DeploymentDraft, statusDeploymentStatus } from '../deployment.js'
import type { Deployment, DeploymentStatus, GitHubApi } from '../github-api.js'
import { withLink } from '../text.js'
import { Draft, fromEvent, Outage, outageDefaults, Outcome, Skip } from './draft.js'
import { LookBack, withinLookBack } from './look-back.js'
import type { Where } from './workflow-run.js'

export const FAILED_STATES = new Set(['failure', 'error'])
/** GitHub marks a successful deployment inactive when a newer one succeeds: both mean it worked. */
export const SUCCEEDED_STATES = new Set(['success', 'inactive'])

/** Where the older deployments of the environment come from. */
export interface DeploymentHistory {
  api: Pick<GitHubApi, 'latestDeploymentStatus'>
  /** The environment's deployments, newest first. */
  older: AsyncIterable<Deployment> | Iterable<Deployment>
  lookBack: LookBack
}

/** A deployment and the status that decided it. */
export interface Decided {
  deployment: Deployment
  status: DeploymentStatus
}

const link = (where: Where, d: Decided) =>
  d.status.target_url ||
  d.status.log_url ||
  `${where.serverUrl}/${where.repository}/deployments/${encodeURIComponent(d.deployment.environment)}`

const outcome = (where: Where, d: Decided): Outcome => ({
  label: `deployment ${d.deployment.id}`,
  at: new Date(d.status.created_at),
  url: link(where, d),
  state: d.status.state
})

/** The outage a successful deployment ends, or undefined when the one before it succeeded too. */
export async function outageEndingWith(
  recovered: Decided,
  history: DeploymentHistory,
  where: Where
): Promise<{ outage: Outage; first: Deployment } | undefined> {
  const failed: Decided[] = []
  let seen = 0
  let cutShort: string | undefined
  for await (const older of history.older) {
    if (older.id >= recovered.deployment.id) continue
    if (!withinLookBack(history.lookBack, ++seen, new Date(older.created_at), new Date(recovered.status.created_at))) {
      cutShort = `no successful deployment was found within the look-back (${history.lookBack.text})`
      break
    }
    const status = await history.api.latestDeploymentStatus(older.id)
    if (status && SUCCEEDED_STATES.has(status.state)) break
    if (status && FAILED_STATES.has(status.state)) failed.push({ deployment: older, status })
  }
  if (!failed.length) return undefined
  const first = failed[failed.length - 1].deployment
  return {
    first,
    outage: {
      what: recovered.deployment.environment,
      failures: failed.reverse().map(d => outcome(where, d)),
      recovery: outcome(where, recovered),
      cutShort
    }
  }
}

/** The provider id of an environment's outage: its first failed deployment. */
export const deploymentProviderId = (repository: string, deployment: Deployment): string => `${repository}/deployments/${deployment.id}`

/** The incident of an outage that a successful deployment ended. */
export function deploymentOutageDraft(found: { outage: Outage; first: Deployment }, recovered: Decided, where: Where): Draft {
  const { outage, first: firstFailed } = found
  return {
    defaults: outageDefaults(
      outage,
      `Deployment to ${outage.what} failed`,
      'failed deployment',
      deploymentProviderId(where.repository, firstFailed),
      recovered.status.creator?.login ?? recovered.deployment.creator?.login
    ),
    prSha: firstFailed.sha,
    outage
  }
}

/** The incident of a failed deployment at the moment it failed (file-on: failure). */
export function deploymentFailureDraft(failed: Decided, where: Where): Draft {
  const outcomeWord = failed.status.state === 'error' ? 'errored' : 'failed'
  const said = failed.status.description?.trim() ? `: ${failed.status.description.trim()}` : ''
  return {
    defaults: {
      reportedTime: fromEvent(new Date(failed.status.created_at)),
      description: fromEvent(
        withLink(
          `Deployment to ${failed.deployment.environment} ${outcomeWord}${said}`,
          failed.status.target_url || failed.status.log_url || undefined
        )
      ),
      providerId: fromEvent(deploymentProviderId(where.repository, failed.deployment)),
      reportedBy: fromEvent(failed.status.creator?.login ?? failed.deployment.creator?.login)
    },
    prSha: failed.deployment.sha
  }
}

/** The deployment a GitHub deployment's final status is, or why it is none (not final, or inactive: replaced, not deployed). */
export function statusDeployment(event: Decided, where: Where): DeploymentDraft | Skip {
  const { deployment, status } = event
  const decided = statusDeploymentStatus(status.state)
  if (!decided) {
    return {
      skip: `Deployment ${deployment.id} to ${deployment.environment} is ${status.state}: ${status.state === 'inactive' ? 'a newer deployment replaced it, which is no deployment of its own' : 'not final yet; its final status reports it'}, so no deployment is sent.`
    }
  }
  return {
    deploymentId: `${where.repository}/deployments/${deployment.id}`,
    status: decided,
    start: new Date(deployment.created_at),
    end: new Date(status.created_at),
    repoUrl: `${where.serverUrl}/${where.repository}`,
    branch: deployment.ref ?? '',
    // None named: the input, else production.
    environment: deployment.environment || undefined,
    commit: deployment.sha,
    logsUrl: status.log_url || status.target_url || undefined
  }
}

/** What a `deployment_status` event is: a recovery to file, a failure to file or wait on, or nothing. */
export async function deploymentSituation(
  event: Decided,
  fileOn: 'recovery' | 'failure',
  where: Where,
  history: () => DeploymentHistory
): Promise<Draft | Skip> {
  const environment = event.deployment.environment
  const state = event.status.state
  if (FAILED_STATES.has(state)) {
    if (fileOn === 'failure') return deploymentFailureDraft(event, where)
    return {
      skip: `Deployment ${event.deployment.id} to ${environment} is ${state}: the incident is filed when a deployment to ${environment} next succeeds (file-on: failure files it now).`
    }
  }
  if (state !== 'success' || fileOn === 'failure') {
    return {
      skip: `Deployment ${event.deployment.id} to ${environment} is ${state}: ${fileOn === 'failure' ? 'with file-on: failure only failure and error are incidents' : 'neither a failure nor a recovery, so nothing is filed'}.`
    }
  }
  const found = await outageEndingWith(event, history(), where)
  if (!found) {
    return {
      skip: `Deployment ${event.deployment.id} to ${environment} succeeded and the previous deployment succeeded: nothing to recover from.`
    }
  }
  return deploymentOutageDraft(found, event, where)
}
