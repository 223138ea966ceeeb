/**
 * The Hivel client, for incidents and deployments: one POST per attempt, retried only when another
 * attempt can help and cannot file the record twice, each attempt bounded in time and in what it reads.
 */
import * as log from './log.js'
import { Answer, CONNECTION_ERRORS, exchange, NOT_PROCESSED_STATUSES } from './http.js'
import type { DeploymentPayload } from './deployment.js'
import type { Payload } from './incident.js'
import { clean } from './redact.js'
import type { AuthHeader } from './schema.js'

export const INCIDENT_PATH = '/api/hooks/v1/incident'
export const DEPLOYMENT_PATH = '/api/hooks/v2/deployment'

/** A kind of record Hivel takes: where it goes, the word for it, and the field that identifies it. */
export type Kind =
  | { name: 'incident'; path: typeof INCIDENT_PATH; idField: 'provider_id'; token: 'api-token' }
  | { name: 'deployment'; path: typeof DEPLOYMENT_PATH; idField: 'deployment_id'; token: 'deployment-api-token' }
export const INCIDENT: Kind = { name: 'incident', path: INCIDENT_PATH, idField: 'provider_id', token: 'api-token' }
export const DEPLOYMENT: Kind = { name: 'deployment', path: DEPLOYMENT_PATH, idField: 'deployment_id', token: 'deployment-api-token' }
/** A response body is read up to this size; more is not an answer Hivel would give. */
export const BODY_LIMIT = 1024 * 1024
const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 30_000
const RETRY_AFTER_CAP_MS = 60_000
// Answers after which Hivel may have stored the incident: retried only with retry-when-unsure.
const UNSURE_STATUSES = new Set([500, 502, 504])
/** How to reach Hivel and how hard to try. */
export interface Delivery {
  baseUrl: string
  token: string
  authHeader: AuthHeader
  maxAttempts: number
  timeoutSeconds: number
  retryWhenUnsure: boolean
  /** Set once the run is asked to stop (a cancel): no new attempt is started after it. */
  stopped?: () => boolean
}

/** The longest one delivery can take with these settings: every attempt, and the longest wait before each. */
export const deliveryBoundMs = (d: Pick<Delivery, 'maxAttempts' | 'timeoutSeconds'>): number =>
  d.maxAttempts * d.timeoutSeconds * 1000 + (d.maxAttempts - 1) * RETRY_AFTER_CAP_MS

/** Injected only by unit tests, to make waits instant and jitter predictable. */
export interface Clock {
  sleep(ms: number): Promise<void>
  random(): number
}

const realClock: Clock = {
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: Math.random
}

/**
 * Hivel could not be made to accept the incident; the message says why and what to do. sent says
 * whether Hivel has it: 'no' (provably not taken), 'maybe' (an answer that can follow a store) or
 * 'yes' (a 2xx whose id cannot be passed on).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly sent: 'no' | 'maybe' | 'yes' = 'no',
    /** What happened, in a few words, for the ledger. */
    readonly why?: string
  ) {
    super(message)
    this.name = 'DeliveryError'
  }
}

/** The headers that carry the token, as auth-header chooses. */
export function authHeaders(token: string, mode: AuthHeader): Record<string, string> {
  switch (mode) {
    case 'authorization':
      return { Authorization: token }
    case 'x-api-token':
      return { 'X-API-Token': token }
    case 'bearer':
      return { Authorization: `Bearer ${token}` }
    default:
      return { Authorization: token, 'X-API-Token': token }
  }
}

// The id as written in the body: a string literal, or a number kept digit for digit.
const ID_FIELD = /"incident_id"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))/

/**
 * What an incident_id may hold before later steps get it: ids are words, numbers and dates, and
 * anything else (quotes, spaces, newlines) could turn `run: echo ${{ ...incident_id }}` into a command.
 */
const PLAIN_ID = /^[\w.:/+=@#-]{1,255}$/

/** Whether an id (from Hivel, or read back from a record) may be passed on as incident_id. */
export const isPlainId = (id: string): boolean => PLAIN_ID.test(id)

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/**
 * The id in a 2xx body, even when the body is not strict JSON (Hivel's own example has a trailing
 * comma) or was cut short; numbers become strings exactly as written, so large ids keep every digit.
 */
export function incidentIdFrom(body: string): string | undefined {
  const written = ID_FIELD.exec(body)
  let id: unknown
  try {
    const parsed: unknown = JSON.parse(body)
    id = isRecord(parsed) ? (parsed.incident_id ?? (isRecord(parsed.data) ? parsed.data.incident_id : undefined)) : undefined
  } catch {
    if (written?.[1] !== undefined) id = unescapeJson(written[1])
    else if (written?.[2] !== undefined) id = written[2]
  }
  if (typeof id === 'number' && Number.isFinite(id)) id = written?.[2] !== undefined && Number(written[2]) === id ? written[2] : String(id)
  return typeof id === 'string' && id.trim() ? id.trim() : undefined
}

function unescapeJson(literal: string): string {
  try {
    return JSON.parse(`"${literal}"`) as string
  } catch {
    // A bad escape or a raw control character: the text as written is still the best answer.
    return literal
  }
}

/**
 * Milliseconds a Retry-After header asks for (delay-seconds or an HTTP date), or undefined when
 * it is absent or unreadable. A date in the past means no wait.
 */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  const value = header?.trim()
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  // Only a date with a day or month name: Date.parse reads bare numbers such as "-5" as years.
  const at = /[a-z]{3}/i.test(value) ? Date.parse(value) : NaN
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined
}

/**
 * Posts an incident or a deployment and returns its id: Hivel's incident_id, or the deployment_id
 * sent. Retries, with full-jitter backoff or Retry-After, only what provably did not reach Hivel (no
 * connection, a failure before the request was written, 408, 429, 503); what Hivel may have stored
 * (a failure after the request was written, 500, 502, 504) only with retry-when-unsure. Never other
 * answers. Logs one line per attempt.
 */
export async function send(
  kind: Kind,
  payload: Payload | DeploymentPayload,
  delivery: Delivery,
  clock: Clock = realClock
): Promise<string> {
  const url = new URL(`${delivery.baseUrl}${kind.path}`)
  const noun = kind.name
  const id = (payload as Partial<Record<Kind['idField'], string>>)[kind.idField] ?? '(none)'
  const body = JSON.stringify(payload)
  const headers = authHeaders(delivery.token, delivery.authHeader)
  const secrets = [delivery.token, delivery.token.trim()].filter(Boolean)
  const show = (text: string) => clean(text, secrets)
  let last = ''
  let unsure = false
  const lastWhy = () => `the last attempt got ${last}`
  for (let n = 1; n <= delivery.maxAttempts; n++) {
    const outcome = await exchange(url, {
      method: 'POST',
      headers: { ...headers, Accept: 'application/json' },
      body,
      timeoutSeconds: delivery.timeoutSeconds,
      bodyLimit: BODY_LIMIT
    })
    const prefix = `Attempt ${n} of ${delivery.maxAttempts}`
    const made = attemptsText(n)
    let wait: number | undefined
    if ('answer' in outcome) {
      const { status, body: text, headers: resHeaders, cut } = outcome.answer
      const how = `HTTP ${status}${cut ? ` (${cut})` : ''}`
      if (status >= 200 && status < 300) {
        if (kind.name === 'incident') return acceptedId(outcome.answer, how, prefix, made, show, secrets)
        // A deployment is known by the id it was sent with.
        log.info(`${prefix}: ${how}`)
        return id
      }
      last = `${how}${text.trim() ? `: ${show(text)}` : ''}`
      wait = retryAfterMs(resHeaders['retry-after'])
      if (UNSURE_STATUSES.has(status)) unsure = true
      else if (!NOT_PROCESSED_STATUSES.has(status)) {
        log.info(`${prefix}: ${how}`)
        throw new DeliveryError(
          explainStatus(kind, status, show(text), url, made, show(String(resHeaders.location ?? ''))),
          unsure ? 'maybe' : 'no',
          lastWhy()
        )
      }
    } else {
      last = outcome.written ? `${outcome.failure} after the request was sent` : outcome.failure
      if (outcome.written) unsure = true
      else if (!CONNECTION_ERRORS.has(outcome.code)) {
        log.info(`${prefix}: ${last}`)
        throw new DeliveryError(
          `Could not reach Hivel at ${url.origin}: ${show(last)}. This is not retried, as another attempt would fail the same way (${made}).`,
          unsure ? 'maybe' : 'no',
          lastWhy()
        )
      }
    }
    if (unsure && !delivery.retryWhenUnsure) {
      log.info(`${prefix}: ${last}`)
      throw new DeliveryError(
        `Hivel may have filed the ${noun}: the attempt got ${last}, which can come after Hivel stored it, so it was not sent again and cannot be filed twice (${made}). ` +
          `Look in Hivel for ${noun === 'incident' ? 'an' : 'a'} ${noun} with ${kind.idField} ${show(id)}: if it is there, nothing is lost; if not, run the job again with that ${kind.idField} in the resend input. retry-when-unsure: true retries such outcomes, at the risk of a duplicate.`,
        'maybe',
        lastWhy()
      )
    }
    if (n === delivery.maxAttempts) {
      log.info(`${prefix}: ${last}; no attempts left`)
      break
    }
    if (delivery.stopped?.()) {
      log.info(`${prefix}: ${last}; the run is stopping, so no other attempt is made`)
      throw new DeliveryError(`The run was stopped after ${made}; the last one got ${last}.`, unsure ? 'maybe' : 'no')
    }
    const backoff = clock.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (n - 1))
    const delay = wait !== undefined ? Math.min(wait, RETRY_AFTER_CAP_MS) : backoff
    log.info(`${prefix}: ${last}; retrying in ${(delay / 1000).toFixed(1)} s${wait !== undefined ? ' (Retry-After)' : ''}`)
    await clock.sleep(delay)
  }
  throw new DeliveryError(
    `Hivel did not accept the ${noun} after ${attemptsText(delivery.maxAttempts)}; the last one got ${last}.${unsure ? ` Hivel may have filed it: look for ${kind.idField} ${show(id)} in Hivel; if it is not there, run the job again with that ${kind.idField} in the resend input.` : ' Hivel or the network may be down: re-run the job later' + (delivery.maxAttempts < 4 ? ', or raise max-attempts.' : '.')}`,
    unsure ? 'maybe' : 'no',
    lastWhy()
  )
}

/** The incident id of a 2xx answer, or why it cannot be passed on. Never retried: Hivel has most likely filed it. */
function acceptedId(answer: Answer, how: string, prefix: string, made: string, show: (text: string) => string, secrets: string[]): string {
  const id = incidentIdFrom(answer.body)
  log.info(`${prefix}: ${how}${id ? `, incident ${show(id)}` : ''}`)
  if (id && secrets.some(secret => id.includes(secret))) {
    throw new DeliveryError(
      `Hivel answered ${how} with an incident_id that contains the API token; it is not used as the output, so the token cannot leak (${made}).`,
      'yes'
    )
  }
  if (id && !isPlainId(id)) {
    throw new DeliveryError(
      `Hivel answered ${how} with an incident_id that is not a plain id: "${show(id)}". It is not passed on as incident_id, where a later step could run it as a command (${made}).`,
      'yes'
    )
  }
  if (id) return id
  throw new DeliveryError(
    answer.cut
      ? `Hivel answered HTTP ${answer.status}, but ${answer.cut} and the incident_id was not in what came. The incident was probably filed; it is not sent again so it is not filed twice (${made}).`
      : `Hivel answered HTTP ${answer.status} but gave no incident_id (${made}). The body was: ${show(answer.body) || '(empty)'}`,
    'yes'
  )
}

const attemptsText = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`

function explainStatus(kind: Kind, status: number, body: string, url: URL, attempts: string, location: string): string {
  const said = body ? ` Hivel said: ${body}` : ''
  const made = ` (${attempts})`
  if (status >= 300 && status < 400) {
    return `Hivel answered HTTP ${status}, a redirect${location ? ` to ${location}` : ''}. Redirects are not followed, so the token goes only to base-url: set base-url to Hivel's address${made}.`
  }
  switch (status) {
    case 400:
      return `Hivel rejected the ${kind.name} as a bad request (HTTP 400).${said} Check that the repository is connected in Hivel and the fields are right${made}.`
    case 401:
      return `Hivel rejected the API token (HTTP 401). Generate one in Hivel under Settings → Integrations → ${kind.name === 'incident' ? 'Hivel API Authorization' : 'Deployment API'}, store it as a secret and pass it as ${kind.token}; check base-url matches your region (app.hivel.ai or app.hivel.in)${made}.`
    case 403:
      return `Hivel refused the token for this request (HTTP 403).${said} Check that the token's organisation owns the repository${made}.`
    case 404:
      return `There is no ${kind.name} endpoint at ${url.origin}${url.pathname} (HTTP 404). Check base-url${made}.`
    default:
      return status < 500
        ? `Hivel refused the ${kind.name} (HTTP ${status}).${said} Another attempt would get the same answer${made}.`
        : `Hivel failed with HTTP ${status}.${said} Another attempt would get the same answer${made}.`
  }
}
