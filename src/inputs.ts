/** Reads every input once, up front; nothing else calls getInput. */
import * as core from '@actions/core'
import { withoutCredentials } from './redact.js'
import { InputName, schemeWordOf, withoutSchemeWord } from './schema.js'

/** Every input action.yml declares, in its order. */
export const INPUT_NAMES = [
  'api-token',
  'base-url',
  'severity',
  'description',
  'affected-systems',
  'reported-time',
  'resolution-time',
  'reported-by',
  'provider-id',
  'repo-url',
  'pr-number',
  'github-token',
  'auth-header',
  'dry-run',
  'fail-on-error',
  'max-attempts',
  'timeout-seconds',
  'retry-when-unsure',
  'incident-label',
  'file-on',
  'look-back',
  'revert-branches',
  'record',
  'comment',
  'resend',
  'rate-limit-wait-seconds',
  'backfill-since',
  'backfill-until',
  'backfill-issues',
  'backfill-workflows',
  'backfill-branch',
  'backfill-environments',
  'backfill-reverts',
  'backfill-concurrency',
  'deployments',
  'deployment-api-token',
  'environment',
  'image',
  'deploy-jobs',
  'backfill-deployments',
  'repository'
] as const satisfies readonly InputName[]

const SECRET_INPUTS: readonly InputName[] = ['api-token', 'deployment-api-token', 'github-token']

/** Raw inputs: a value only for inputs that were set to something other than blanks. */
export type RawInputs = Partial<Record<InputName, string>>

/**
 * Reads the inputs as the runner passes them. The Hivel token is registered as a secret before
 * anything else can print it, also without a scheme word it was pasted with ("Bearer abc", which
 * is noted); it falls back to the HIVEL_API_TOKEN environment variable.
 */
export function readInputs(): RawInputs {
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) {
    // Untrimmed, so the schema sees exactly what was given (and a padded token still masks).
    const value = core.getInput(name, { trimWhitespace: false })
    if (value.trim() !== '') raw[name] = value
  }
  raw['api-token'] ??= process.env.HIVEL_API_TOKEN?.trim() ? process.env.HIVEL_API_TOKEN : undefined
  for (const name of SECRET_INPUTS) {
    const secret = raw[name]
    if (secret) {
      core.setSecret(secret)
      if (secret.trim() !== secret) core.setSecret(secret.trim())
    }
  }
  for (const name of ['api-token', 'deployment-api-token'] as const) {
    const token = raw[name] ?? ''
    const scheme = schemeWordOf(token)
    if (scheme) {
      core.setSecret(withoutSchemeWord(token))
      core.notice(
        `${name} starts with the word "${scheme}", which is not part of the token: it was removed. auth-header: bearer sends the token as "Authorization: Bearer <token>".`,
        { title: `${name}: scheme word removed` }
      )
    }
  }
  for (const name of INPUT_NAMES) {
    // A base-url may hold a user name and password, which a debug log must not show.
    const value = name === 'base-url' && raw[name] ? withoutCredentials(raw[name]) : raw[name]
    core.debug(`${name}: ${SECRET_INPUTS.includes(name) ? (raw[name] ? '(set)' : '(not set)') : JSON.stringify(value ?? null)}`)
  }
  return raw
}
