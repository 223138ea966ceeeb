/**
 * Builds the deployment Hivel's deployment API receives (the other half of Change Failure Rate)
 * from a situation's draft and the inputs, and checks it: the second kind of record next to the
 * incident, sent and recorded in the ledger the same way.
 */
import { parseAll, Settings, Deployment, deploymentSchema, DEPLOYMENT_STATUSES } from './schema.js'
import { toIsoUtc } from './time.js'

/** The JSON body sent to Hivel: times as ISO 8601 UTC strings. */
export type DeploymentPayload = Omit<Deployment, 'start_time' | 'end_time'> & { start_time: string; end_time: string }

export type DeploymentResult = (typeof DEPLOYMENT_STATUSES)[number]

/** A deployment as a situation reads it from a run or a GitHub deployment. */
export interface DeploymentDraft {
  deploymentId: string
  status: DeploymentResult
  start: Date
  end: Date
  repoUrl: string
  branch: string
  /** The deployment's own environment (a GitHub deployment's); the environment input wins, else production. */
  environment?: string
  commit?: string
  /** The pull request, when the event names it; otherwise looked up from the commit. */
  prNumber?: string
  buildNumber?: string
  logsUrl?: string
}

/** A deployment's default environment, when neither the input nor a GitHub deployment names one. */
export const DEFAULT_ENVIRONMENT = 'production'

/** What a workflow run's conclusion means as a deployment; undefined: nothing was attempted, not a deployment. */
export function runDeploymentStatus(conclusion: string | null | undefined): DeploymentResult | undefined {
  if (conclusion === 'success') return 'success'
  if (conclusion === 'failure' || conclusion === 'timed_out' || conclusion === 'startup_failure') return 'failed'
  if (conclusion === 'cancelled') return 'cancelled'
  return undefined
}

/** What a GitHub deployment's status means; undefined: not final (pending, queued, in_progress) or not a new deployment (inactive). */
export function statusDeploymentStatus(state: string): DeploymentResult | undefined {
  if (state === 'success') return 'success'
  if (state === 'failure' || state === 'error') return 'failed'
  return undefined
}

// Errors name the input a user can set; the other fields come from GitHub.
const INPUT_OF_DEPLOYMENT_FIELD: Partial<Record<keyof Deployment, string>> = { environment: 'environment', image: 'image' }

/** The deployment with the inputs laid over the draft, checked against Hivel's rules (every problem at once). */
export function buildDeployment(settings: Pick<Settings, 'environment' | 'image'>, draft: DeploymentDraft, now: Date): DeploymentPayload {
  const checked = parseAll(
    deploymentSchema(now),
    {
      deployment_id: draft.deploymentId,
      event_type: 'completed',
      status: draft.status,
      start_time: draft.start,
      end_time: draft.end,
      repo_url: draft.repoUrl,
      environment: settings.environment ?? draft.environment ?? DEFAULT_ENVIRONMENT,
      branch: draft.branch,
      commit_hash: draft.commit,
      pr_number: draft.prNumber,
      build_number: draft.buildNumber,
      image: settings.image,
      logs_url: draft.logsUrl
    },
    key => INPUT_OF_DEPLOYMENT_FIELD[key as keyof Deployment] ?? `the deployment's ${key}`
  )
  const payload: DeploymentPayload = { ...checked, start_time: toIsoUtc(checked.start_time), end_time: toIsoUtc(checked.end_time) }
  // Optional fields that are empty are left out rather than sent blank.
  for (const key of Object.keys(payload) as (keyof DeploymentPayload)[]) if (payload[key] === undefined) delete payload[key]
  return payload
}
