/**
 * The Hivel Incident API client: one POST per attempt, retried only when another attempt can help
 * and cannot file the incident twice, each attempt bounded in time and in what it reads.
 */
import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'
import * as http from 'node:http'
import * as https from 'node:https'
import type { Payload } from './incident.js'
import { clean } from './redact.js'
import type { AuthHeader } from './schema.js'

export const INCIDENT_PATH = '/api/hooks/v1/incident'
const USER_AGENT = 'hivel-incident-action'
/** A response body is read up to this size; more is not an answer Hivel would give. */
export const BODY_LIMIT = 1024 * 1024
const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 30_000
const RETRY_AFTER_CAP_MS = 60_000
const RETRIED_STATUSES = new Set([408, 429, 502, 503, 504])
const RETRIED_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
  'TIMEOUT'
])

/** How to reach Hivel and how hard to try. */
export interface Delivery {
  baseUrl: string
  token: string
  authHeader: AuthHeader
  maxAttempts: number
  timeoutSeconds: number
  retryOnServerError: boolean
}

/** Injected only by unit tests, to make waits instant and jitter predictable. */
export interface Clock {
  sleep(ms: number): Promise<void>
  random(): number
}

const realClock: Clock = {
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  random: Math.random
}

/** Hivel could not be made to accept the incident; the message says why and what to do. */
export class DeliveryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DeliveryError'
  }
}

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

type Outcome = { answer: Answer } | { failure: string; code: string }

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

/** The id in a 2xx body, even when the body is not strict JSON; numbers become strings. */
export function incidentIdFrom(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { incident_id?: unknown; data?: { incident_id?: unknown } }
    const id = parsed?.incident_id ?? parsed?.data?.incident_id
    if (typeof id === 'string' && id.trim()) return id.trim()
    if (typeof id === 'number' && Number.isFinite(id)) return String(id)
  } catch {
    // Hivel's own example has a trailing comma: read the field where JSON.parse gives up.
  }
  const m = /"incident_id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/.exec(body)
  if (!m) return undefined
  const id = String(JSON.parse(m[1]) as string | number).trim()
  return id || undefined
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined
}

function describeError(error: NodeJS.ErrnoException, timeoutSeconds: number): { failure: string; code: string } {
  const code = error.code ?? 'UNKNOWN'
  const words: Record<string, string> = {
    TIMEOUT: `no response within ${timeoutSeconds} s`,
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    EPIPE: 'connection reset',
    ENOTFOUND: 'host name not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable'
  }
  return { failure: words[code] ?? `${error.message} (${code})`, code }
}

/** One POST, bounded by the attempt's time limit from connect to the last byte of the body. */
function attempt(url: URL, body: string, headers: Record<string, string>, timeoutSeconds: number): Promise<Outcome> {
  // http-client picks the agent that honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
  const agent = new HttpClient(USER_AGENT).getAgent(url.href)
  const transport = url.protocol === 'https:' ? https : http
  return new Promise(resolve => {
    const req = transport.request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': USER_AGENT, 'Content-Length': Buffer.byteLength(body) }
    })
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), timeoutSeconds * 1000)
    const settle = (outcome: Outcome) => {
      clearTimeout(timer)
      resolve(outcome)
    }
    req.on('error', error => settle(describeError(error, timeoutSeconds)))
    req.on('response', res => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size >= BODY_LIMIT) return
        chunks.push(chunk)
        size += chunk.length
        // Past the cap the rest is not worth waiting for.
        if (size >= BODY_LIMIT) res.destroy()
      })
      const done = () =>
        settle({ answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8') } })
      res.on('end', done)
      res.on('close', () => (size >= BODY_LIMIT || res.complete ? done() : settle(describeError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), timeoutSeconds))))
      res.on('error', error => settle(describeError(error, timeoutSeconds)))
    })
    req.end(body)
  })
}

/**
 * Posts the incident and returns Hivel's id for it. Retries connection failures, time-outs,
 * 408, 429, 502, 503 and 504 (and 500 only when asked) with full-jitter backoff; never other 4xx.
 */
export async function sendIncident(payload: Payload, delivery: Delivery, clock: Clock = realClock): Promise<string> {
  const url = new URL(`${delivery.baseUrl}${INCIDENT_PATH}`)
  const body = JSON.stringify(payload)
  const headers = authHeaders(delivery.token, delivery.authHeader)
  const secrets = [delivery.token, delivery.token.trim()]
  const show = (text: string) => clean(text, secrets)
  let last = ''
  for (let n = 1; n <= delivery.maxAttempts; n++) {
    const outcome = await attempt(url, body, headers, delivery.timeoutSeconds)
    const prefix = `Attempt ${n} of ${delivery.maxAttempts}`
    let retryable: boolean
    let wait: number | undefined
    if ('answer' in outcome) {
      const { status, body: text, headers: resHeaders } = outcome.answer
      if (status >= 200 && status < 300) {
        const id = incidentIdFrom(text)
        core.info(`${prefix}: HTTP ${status}${id ? `, incident ${show(id)}` : ''}`)
        if (id) return id
        throw new DeliveryError(`Hivel answered HTTP ${status} but gave no incident_id. The body was: ${show(text) || '(empty)'}`)
      }
      last = `HTTP ${status}${text.trim() ? `: ${show(text)}` : ''}`
      retryable = RETRIED_STATUSES.has(status) || (status === 500 && delivery.retryOnServerError)
      wait = retryAfterMs(resHeaders['retry-after'] as string | undefined)
      if (!retryable) {
        core.info(`${prefix}: HTTP ${status}`)
        throw new DeliveryError(explainStatus(status, show(text), url, n))
      }
    } else {
      last = outcome.failure
      retryable = RETRIED_ERRORS.has(outcome.code)
      if (!retryable) {
        core.info(`${prefix}: ${last}`)
        throw new DeliveryError(`Could not reach Hivel at ${url.origin}: ${last}. ${attemptsText(n)}`)
      }
    }
    if (n === delivery.maxAttempts) {
      core.info(`${prefix}: ${last}; no attempts left`)
      break
    }
    const backoff = clock.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (n - 1))
    const delay = wait !== undefined ? Math.min(wait, RETRY_AFTER_CAP_MS) : backoff
    core.info(`${prefix}: ${last}; retrying in ${(delay / 1000).toFixed(1)} s`)
    await clock.sleep(delay)
  }
  throw new DeliveryError(
    `Hivel did not accept the incident after ${attemptsText(delivery.maxAttempts)}; the last got ${last}. Hivel or the network may be down: re-run the job later${delivery.maxAttempts < 4 ? ', or raise max-attempts' : ''}.`
  )
}

const attemptsText = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`

function explainStatus(status: number, body: string, url: URL, n: number): string {
  const said = body ? ` Hivel said: ${body}` : ''
  const made = ` (${attemptsText(n)})`
  switch (status) {
    case 400:
      return `Hivel rejected the incident as a bad request (HTTP 400).${said} Check that the repository is connected in Hivel and the fields are right${made}.`
    case 401:
      return `Hivel rejected the API token (HTTP 401). Generate one in Hivel under Settings → Integrations → Hivel API Authorization, store it as a secret and pass it as api-token; check base-url matches your region (app.hivel.ai or app.hivel.in)${made}.`
    case 403:
      return `Hivel refused the token for this request (HTTP 403).${said} Check that the token's organisation owns the repository${made}.`
    case 404:
      return `There is no incident endpoint at ${url.origin}${url.pathname} (HTTP 404). Check base-url${made}.`
    default:
      return status < 500
        ? `Hivel refused the incident (HTTP ${status}).${said} Another attempt would get the same answer${made}.`
        : `Hivel failed with HTTP ${status}.${said} It was not retried, as Hivel may have stored the incident and another POST could file it twice${status === 500 ? ' (retry-on-server-error: true retries it)' : ''}${made}.`
  }
}
