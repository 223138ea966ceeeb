/**
 * One HTTP exchange over node:http, as both clients (Hivel's and GitHub's) make it: through the
 * agent @actions/http-client picks for HTTPS_PROXY, HTTP_PROXY and NO_PROXY, bounded in time from
 * connect to the last body byte and in how much of the body is read, and telling a failure before
 * the request was written (the server never had it) from one after.
 */
import { HttpClient } from '@actions/http-client'
import * as http from 'node:http'
import * as https from 'node:https'
import { clean } from './redact.js'

export const USER_AGENT = 'hivel-incident-action'

/** Answers that say the request was not processed: another attempt cannot do it twice. */
export const NOT_PROCESSED_STATUSES = new Set([408, 429, 503])

/** Failures before the request was written: the server never had it. (After it was written, any failure is unsure.) */
export const CONNECTION_ERRORS = new Set([
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
  'EPROTO',
  'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
  'TIMEOUT'
])

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  /** Set when the body was cut short after the status arrived: what cut it. */
  cut?: string
  /** The body reached the limit; what was read is its start. */
  overLimit?: boolean
}

/** An answer, or a failure and whether it came after the whole request was written (so the server may have it). */
export type Outcome = { answer: Answer } | { failure: string; code: string; written: boolean }

/** What to send and how long to wait for it. */
export interface Request {
  method: string
  headers: Record<string, string>
  body?: string
  timeoutSeconds: number
  /** Bytes of the body read at most. */
  bodyLimit: number
  /** An agent to reuse (keep-alive); otherwise one is picked for this exchange alone. */
  agent?: http.Agent
  /** Whom the request is for, in a proxy's refusal ("the GitHub API"). */
  service?: string
}

// The proxy agent reports every tunnel failure as ECONNRESET; its message says what happened.
const TUNNEL_FAILED = /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=(.*))$/s

/** A failure in words, and a code that says whether another attempt may help. */
export function describeError(error: NodeJS.ErrnoException, timeoutSeconds: number, service?: string): { failure: string; code: string } {
  const tunnel = TUNNEL_FAILED.exec(error.message)
  if (tunnel?.[1]) {
    const status = Number(tunnel[1])
    return {
      failure: `the proxy refused the tunnel${service ? ` to ${service}` : ''} with HTTP ${status}`,
      code: NOT_PROCESSED_STATUSES.has(status) ? 'ECONNRESET' : 'PROXY_REFUSED'
    }
  }
  if (tunnel?.[2]) return { failure: `could not reach the proxy (${tunnel[2]})`, code: 'ECONNRESET' }
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
  const untrusted = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)
    ? '; if a proxy or gateway re-signs TLS, give its CA in NODE_EXTRA_CA_CERTS'
    : ''
  return { failure: words[code] ?? `${clean(error.message, [])} (${code})${untrusted}`, code }
}

const timeoutError = () => Object.assign(new Error('timeout'), { code: 'TIMEOUT' })

/**
 * The agent for a URL: http-client's choice for the proxy settings. A direct connection may reuse
 * keepAlive (one agent for many requests to one host); a tunnel is made for this exchange alone.
 */
export function agentFor(url: URL, keepAlive?: { http: http.Agent; https: http.Agent }): http.Agent {
  const agent = new HttpClient(USER_AGENT).getAgent(url.href)
  if (keepAlive && agent instanceof http.Agent) return url.protocol === 'https:' ? keepAlive.https : keepAlive.http
  return agent
}

/**
 * Collects the CONNECT requests a proxy agent opens. The tunnel agent http-client returns for
 * HTTPS_PROXY sends them itself (through its `request` property), outside the request we hold: a
 * proxy that never answers would otherwise keep the step alive after the attempt gave up.
 */
function trackTunnels(agent: http.Agent): http.ClientRequest[] {
  // A direct agent (reused, keep-alive) has no tunnels of this exchange's own.
  const opened: http.ClientRequest[] = []
  const tunnel = agent as http.Agent & { request?: (options: http.RequestOptions) => http.ClientRequest }
  const request = tunnel.request
  if (typeof request === 'function') {
    tunnel.request = options => {
      const connect = request(options)
      opened.push(connect)
      return connect
    }
  }
  return opened
}

/**
 * One request, bounded by timeoutSeconds from connect to the last byte of the body. Once the status
 * has arrived, a failure cuts the body short but the status still says what the server did.
 */
export function exchange(url: URL, request: Request): Promise<Outcome> {
  const { timeoutSeconds, bodyLimit, body } = request
  const agent = request.agent ?? agentFor(url)
  const tunnels = trackTunnels(agent)
  const transport = url.protocol === 'https:' ? https : http
  return new Promise(resolve => {
    let response: http.IncomingMessage | undefined
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    // Written: connected (TLS included) and the whole body handed to the socket. From then on the server may have it.
    let connected = false
    let finished = false
    const req = transport.request(url, {
      method: request.method,
      agent,
      headers: {
        ...request.headers,
        'User-Agent': USER_AGENT,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
      }
    })
    const settle = (outcome: Outcome, complete = false) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      // Nothing of an unfinished exchange may outlive it; a complete one leaves its socket to the agent.
      if (!complete) req.destroy()
      for (const tunnel of tunnels) tunnel.on('error', () => undefined).destroy()
      resolve(outcome)
    }
    const answer = (res: http.IncomingMessage, cut?: string) => {
      const overLimit = size >= bodyLimit
      settle(
        {
          answer: {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).subarray(0, bodyLimit).toString('utf8'),
            cut,
            ...(overLimit ? { overLimit } : {})
          }
        },
        !cut && !overLimit
      )
    }
    const fail = (error: NodeJS.ErrnoException) => {
      if (!response) return settle({ ...describeError(error, timeoutSeconds, request.service), written: connected && finished })
      const cut =
        error.code === 'TIMEOUT'
          ? `the body did not finish within ${timeoutSeconds} s`
          : `${describeError(error, timeoutSeconds).failure} during the body`
      answer(response, cut)
    }
    const timer = setTimeout(() => fail(timeoutError()), timeoutSeconds * 1000)
    req.on('error', fail)
    req.on('finish', () => (finished = true))
    req.on('socket', socket => {
      // A reused keep-alive socket is connected already; a listener left on it would pile up with each reuse.
      if (!socket.connecting) connected = true
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true))
    })
    req.on('response', res => {
      response = res
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        // Past the cap the rest is not worth waiting for.
        if (size >= bodyLimit) answer(res)
      })
      res.on('end', () => answer(res))
      res.on('error', fail)
      res.on('close', () => (res.complete ? answer(res) : fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))))
    })
    req.end(body)
  })
}
