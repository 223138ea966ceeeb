/**
 * hivel.ts: the retry policy, read through what a user sees (requests Hivel received, one log
 * line per attempt, the final error), with waits made instant and jitter fixed by a Clock.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../__fixtures__/core.js'
import { startServer, TOKEN } from '../__fixtures__/action.js'
import type { Handler, Server } from '../__fixtures__/action.js'
import { wallBound } from '../__fixtures__/bounds.js'
import {
  closedPort,
  dripBody,
  huge,
  neverAnswer,
  reply,
  resetBeforeAnswer,
  resetDuringBody,
  selfSignedCertificate,
  sequence,
  startConnectProxy,
  startTlsFront,
  success
} from '../__fixtures__/faults.js'

jest.unstable_mockModule('@actions/core', () => core)
const {
  authHeaders,
  BODY_LIMIT,
  DeliveryError,
  INCIDENT,
  INCIDENT_PATH,
  incidentIdFrom,
  retryAfterMs,
  send: sendTo
} = await import('../src/hivel.js')
type Delivery = import('../src/hivel.js').Delivery

const payload = {
  severity: 'high',
  reported_time: '2026-11-26T09:00:00Z',
  resolution_time: '2026-11-26T09:45:00Z',
  repo_url: 'https://github.com/acme/shop',
  pr_number: '44'
}

/** A clock whose sleeps are instant and recorded, with a fixed "random" for the jitter. */
const clock = (random = 0.5) => {
  const sleeps: number[] = []
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms), random: () => random }
}

let server: Server | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})
beforeEach(() => {
  jest.clearAllMocks()
})

/** A delivery to `baseUrl` with the tests' defaults. */
const deliveryTo = (baseUrl: string, options: Partial<Delivery> = {}): Delivery => ({
  baseUrl,
  token: TOKEN,
  authHeader: 'both',
  maxAttempts: 4,
  timeoutSeconds: 2,
  retryWhenUnsure: false,
  ...options
})

/** Sends to a fresh stand-in with `handler`; resolves to the id, or the error thrown. */
async function send(handler: Handler, options: Partial<Delivery> = {}, c = clock(), scheme: 'http' | 'https' = 'http') {
  server = await startServer(handler)
  const delivery = deliveryTo(server.url.replace(/^http:/, `${scheme}:`), options)
  const outcome = await sendTo(INCIDENT, payload, delivery, c).catch((error: unknown) => error)
  return { outcome, requests: server.requests, sleeps: c.sleeps, lines: core.info.mock.calls.map(call => String(call[0])) }
}

const expectNoToken = (...texts: unknown[]) => {
  for (const text of texts) expect(String(text instanceof Error ? text.message : JSON.stringify(text))).not.toContain(TOKEN)
}

describe('hivel.ts: what is retried', () => {
  it.each([408, 429, 503])('retries HTTP %i (Hivel did not process it), then takes the id', async status => {
    const { outcome, requests, lines } = await send(sequence({ status, body: 'busy' }, success('incident-9')))
    expect(outcome).toBe('incident-9')
    expect(requests).toHaveLength(2)
    expect(lines).toEqual([`Attempt 1 of 4: HTTP ${status}: busy; retrying in 0.5 s`, 'Attempt 2 of 4: HTTP 200, incident incident-9'])
  })

  it.each([400, 401, 403, 404, 409, 422, 501])('never retries HTTP %i', async status => {
    const { outcome, requests, lines } = await send(sequence({ status, body: '{"message":"no"}' }, success()))
    expect(outcome).toBeInstanceOf(DeliveryError)
    expect(requests).toHaveLength(1)
    expect(lines).toEqual([`Attempt 1 of 4: HTTP ${status}`])
    expect((outcome as Error).message).toMatch(new RegExp(`HTTP ${status}.*\\(1 attempt\\)\\.$`))
  })

  it.each([500, 502, 504])('does not retry HTTP %i, after which Hivel may have stored it, unless retry-when-unsure', async status => {
    const unsure = await send(sequence({ status, body: 'boom' }, success()))
    expect(unsure.requests).toHaveLength(1)
    expect((unsure.outcome as Error).message).toBe(
      `Hivel may have filed the incident: the attempt got HTTP ${status}: boom, which can come after Hivel stored it, so it was not sent again and cannot be filed twice (1 attempt). ` +
        'Look in Hivel for an incident with provider_id (none): if it is there, nothing is lost; if not, run the job again with that provider_id in the resend input. ' +
        'retry-when-unsure: true retries such outcomes, at the risk of a duplicate.'
    )
    await server?.close()
    const retried = await send(sequence({ status }, success()), { retryWhenUnsure: true })
    expect(retried.outcome).toBe('incident-1')
    expect(retried.requests).toHaveLength(2)
  })

  it('retries a TLS handshake that failed before the request was written', async () => {
    const { outcome, requests, lines } = await send(reply(success()), { maxAttempts: 2, timeoutSeconds: 2 }, clock(), 'https')
    expect(requests).toHaveLength(0)
    expect(lines[0]).toMatch(/^Attempt 1 of 2: .*; retrying in 0\.5 s$/)
    expect((outcome as Error).message).toMatch(/^Hivel did not accept the incident after 2 attempts/)
  })

  it('retries a refused connection, and says so in each line', async () => {
    const c = clock()
    const delivery = deliveryTo(`http://127.0.0.1:${await closedPort()}`, { maxAttempts: 3, timeoutSeconds: 2 })
    const outcome = await sendTo(INCIDENT, payload, delivery, c).catch((error: unknown) => error)
    expect(core.info.mock.calls.map(call => call[0])).toEqual([
      'Attempt 1 of 3: connection refused; retrying in 0.5 s',
      'Attempt 2 of 3: connection refused; retrying in 1.0 s',
      'Attempt 3 of 3: connection refused; no attempts left'
    ])
    expect((outcome as Error).message).toBe(
      'Hivel did not accept the incident after 3 attempts; the last one got connection refused. Hivel or the network may be down: re-run the job later, or raise max-attempts.'
    )
  })

  it('does not retry a connection reset after the request was written, unless retry-when-unsure', async () => {
    const { outcome, requests, lines } = await send(resetBeforeAnswer, { maxAttempts: 2 })
    expect(requests).toHaveLength(1)
    expect(lines[0]).toBe('Attempt 1 of 2: connection reset after the request was sent')
    expect((outcome as Error).message).toMatch(
      /^Hivel may have filed the incident: the attempt got connection reset after the request was sent/
    )
    await server?.close()
    const retried = await send(resetBeforeAnswer, { maxAttempts: 2, retryWhenUnsure: true })
    expect(retried.requests).toHaveLength(2)
    expect((retried.outcome as Error).message).toMatch(
      /the last one got connection reset after the request was sent\. Hivel may have filed it/
    )
  })

  it('cuts an attempt at timeout-seconds and does not retry it once the request was written', async () => {
    const started = performance.now()
    const { outcome, requests, lines } = await send(neverAnswer, { maxAttempts: 2, timeoutSeconds: 0.2 })
    // One attempt of 0.2 s; without the time-out it would wait for ever.
    expect(performance.now() - started).toBeLessThan(wallBound(200))
    expect(requests).toHaveLength(1)
    expect(lines).toEqual(['Attempt 1 of 2: no response within 0.2 s after the request was sent'])
    expect((outcome as Error).message).toMatch(/^Hivel may have filed the incident: the attempt got no response within 0\.2 s/)
  })

  it('retries a 503 whose body was cut by a reset, as a 503', async () => {
    const { requests, lines } = await send(resetDuringBody(503, 'Service Unav'), { maxAttempts: 2 })
    expect(requests).toHaveLength(2)
    expect(lines[0]).toBe('Attempt 1 of 2: HTTP 503 (connection reset during the body): Service Unav; retrying in 0.5 s')
  })

  it('does not retry a 200 whose body never finished: the incident was probably filed', async () => {
    const { outcome, requests, lines } = await send(dripBody('{"message":"Su', 100), { timeoutSeconds: 0.3 })
    expect(requests).toHaveLength(1)
    expect(lines).toEqual(['Attempt 1 of 4: HTTP 200 (the body did not finish within 0.3 s)'])
    expect((outcome as Error).message).toBe(
      'Hivel answered HTTP 200, but the body did not finish within 0.3 s and the incident_id was not in what came. The incident was probably filed; it is not sent again so it is not filed twice (1 attempt).'
    )
  })

  it('does not follow a redirect, so the token goes nowhere else', async () => {
    const { outcome, requests } = await send(reply({ status: 301, headers: { Location: 'https://elsewhere.example/' } }))
    expect(requests).toHaveLength(1)
    expect((outcome as Error).message).toMatch(
      /^Hivel answered HTTP 301, a redirect to https:\/\/elsewhere\.example\/\. Redirects are not followed/
    )
  })

  it('does not retry a TLS certificate it cannot trust', async () => {
    const certificate = selfSignedCertificate('localhost')
    const plain = await startServer(reply(success()))
    const front = await startTlsFront(certificate, plain.port)
    try {
      const c = clock()
      const delivery = deliveryTo(`https://localhost:${front.port}`, { maxAttempts: 3, timeoutSeconds: 2 })
      const outcome = await sendTo(INCIDENT, payload, delivery, c).catch((error: unknown) => error)
      expect(plain.requests).toHaveLength(0)
      expect(c.sleeps).toEqual([])
      expect((outcome as Error).message).toMatch(
        /^Could not reach Hivel at https:\/\/localhost:\d+: self[- ]signed certificate.* \(DEPTH_ZERO_SELF_SIGNED_CERT\); if a proxy or gateway re-signs TLS, give its CA in NODE_EXTRA_CA_CERTS\. This is not retried.*\(1 attempt\)\.$/
      )
    } finally {
      await Promise.all([front.close(), plain.close()])
      certificate.remove()
    }
  })
})

describe('hivel.ts: through a proxy', () => {
  /** Sends to https://hivel.test through HTTPS_PROXY=`proxyUrl`; resolves to the error and the waits. */
  async function viaProxy(proxyUrl: string) {
    const c = clock()
    process.env.HTTPS_PROXY = proxyUrl
    try {
      const delivery = deliveryTo('https://hivel.test', { maxAttempts: 2, timeoutSeconds: 0.5 })
      return { outcome: (await sendTo(INCIDENT, payload, delivery, c).catch((error: unknown) => error)) as Error, sleeps: c.sleeps }
    } finally {
      delete process.env.HTTPS_PROXY
    }
  }

  it('does not retry a proxy that refuses the tunnel, and names it', async () => {
    const proxy = await startConnectProxy({}, { refusal: 407 })
    try {
      const { outcome, sleeps } = await viaProxy(proxy.url)
      expect(sleeps).toEqual([])
      expect(outcome.message).toBe(
        'Could not reach Hivel at https://hivel.test: the proxy refused the tunnel with HTTP 407. This is not retried, as another attempt would fail the same way (1 attempt).'
      )
    } finally {
      await proxy.close()
    }
  })

  it('retries a proxy that is busy (503)', async () => {
    const proxy = await startConnectProxy({}, { refusal: 503 })
    try {
      const { outcome } = await viaProxy(proxy.url)
      expect(proxy.heads).toHaveLength(2)
      expect(outcome.message).toMatch(/after 2 attempts; the last one got the proxy refused the tunnel with HTTP 503\./)
    } finally {
      await proxy.close()
    }
  })

  it('retries a proxy it cannot reach', async () => {
    const { outcome, sleeps } = await viaProxy(`http://127.0.0.1:${await closedPort()}`)
    expect(sleeps).toHaveLength(1)
    expect(outcome.message).toMatch(/the last one got could not reach the proxy \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)\./)
  })

  it('ends the tunnel a silent proxy holds when the attempt times out', async () => {
    const proxy = await startConnectProxy({}, { silent: true })
    try {
      const started = performance.now()
      const { outcome } = await viaProxy(proxy.url)
      // Two attempts of 0.5 s; a tunnel left open would hold the step until the proxy lets go.
      expect(performance.now() - started).toBeLessThan(wallBound(1000))
      expect(outcome.message).toMatch(/the last one got no response within 0\.5 s\./)
      // Both CONNECTs were closed by the client, not left open for the step to wait on.
      await new Promise(resolve => setTimeout(resolve, 50))
      expect(proxy.open()).toBe(0)
    } finally {
      await proxy.close()
    }
  })
})

describe('hivel.ts: how long it waits', () => {
  it('makes max-attempts attempts, waiting a full-jitter backoff from 1 s, doubling', async () => {
    const { requests, sleeps, outcome } = await send(reply({ status: 503 }), { maxAttempts: 4 }, clock(0.5))
    expect(requests).toHaveLength(4)
    expect(sleeps).toEqual([500, 1000, 2000])
    expect((outcome as Error).message).toMatch(/^Hivel did not accept the incident after 4 attempts; the last one got HTTP 503\. /)
  })

  it('caps the backoff at 30 s', async () => {
    const { sleeps } = await send(reply({ status: 503 }), { maxAttempts: 10 }, clock(0.999))
    expect(sleeps.map(Math.round)).toEqual([999, 1998, 3996, 7992, 15984, 29970, 29970, 29970, 29970])
  })

  it('draws each wait anywhere from zero (full jitter)', async () => {
    const { sleeps } = await send(reply({ status: 503 }), { maxAttempts: 3 }, clock(0))
    expect(sleeps).toEqual([0, 0])
  })

  it.each([
    ['seconds', '3', 3000],
    ['fractional seconds', '1.5', 1500],
    ['seconds over the cap', '120', 60_000],
    ['zero', '0', 0]
  ])('honours Retry-After in %s', async (_name, header, ms) => {
    const { sleeps, lines } = await send(sequence({ status: 429, headers: { 'Retry-After': header } }, success()), {}, clock(0.5))
    expect(sleeps).toEqual([ms])
    expect(lines[0]).toBe(`Attempt 1 of 4: HTTP 429; retrying in ${(ms / 1000).toFixed(1)} s (Retry-After)`)
  })

  it('honours Retry-After as an HTTP date, capped at 60 s', async () => {
    const soon = new Date(Date.now() + 10_000).toUTCString()
    const late = new Date(Date.now() + 3_600_000).toUTCString()
    const { sleeps } = await send(
      sequence({ status: 503, headers: { 'Retry-After': soon } }, { status: 503, headers: { 'Retry-After': late } }, success()),
      {},
      clock(0.5)
    )
    expect(sleeps[0]).toBeGreaterThan(8000)
    expect(sleeps[0]).toBeLessThanOrEqual(10_000)
    expect(sleeps[1]).toBe(60_000)
  })

  it('falls back to the backoff when Retry-After cannot be read', async () => {
    const { sleeps } = await send(sequence({ status: 503, headers: { 'Retry-After': 'soon' } }, success()), {}, clock(0.5))
    expect(sleeps).toEqual([500])
  })
})

describe('hivel.ts: what is sent', () => {
  it('POSTs the payload as JSON to the incident path, with the token in the chosen headers', async () => {
    const { requests } = await send(reply(success()), { authHeader: 'bearer' })
    expect(requests[0]).toMatchObject({ method: 'POST', url: INCIDENT_PATH, json: payload })
    expect(requests[0].headers).toMatchObject({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` })
    expect(requests[0].headers['x-api-token']).toBeUndefined()
  })

  it.each([
    ['both', { Authorization: 'tok', 'X-API-Token': 'tok' }],
    ['authorization', { Authorization: 'tok' }],
    ['x-api-token', { 'X-API-Token': 'tok' }],
    ['bearer', { Authorization: 'Bearer tok' }]
  ] as const)('authHeaders(%s)', (mode, headers) => {
    expect(authHeaders('tok', mode)).toEqual(headers)
  })
})

describe('hivel.ts: what is shown', () => {
  it('hides the token Hivel echoes, in every line and the error', async () => {
    const { outcome, lines } = await send(reply({ status: 503, body: `bad token ${TOKEN}` }), { maxAttempts: 2 })
    expect(lines[0]).toBe('Attempt 1 of 2: HTTP 503: bad token ***; retrying in 0.5 s')
    expectNoToken(outcome, lines)
  })

  it('reads at most 1 MiB of a body and shows a few hundred characters of it', async () => {
    const { outcome, requests } = await send(huge(200, 4))
    expect(requests).toHaveLength(1)
    const message = (outcome as Error).message
    expect(message).toMatch(
      /^Hivel answered HTTP 200 but gave no incident_id \(1 attempt\)\. The body was: \{"padding":"x+… \(\d+ more characters\)$/
    )
    expect(Number(/\((\d+) more/.exec(message)?.[1])).toBeLessThan(BODY_LIMIT)
  })

  it('refuses an id that holds the token, or anything but a plain id', async () => {
    const echoed = await send(reply(success(`inc-${TOKEN}`)))
    expect((echoed.outcome as Error).message).toMatch(/incident_id that contains the API token/)
    expectNoToken(echoed.outcome, echoed.lines)
    await server?.close()
    const hostile = await send(reply(success('inc-1"; rm -rf / #')))
    expect(hostile.outcome).toBeInstanceOf(DeliveryError)
    expect((hostile.outcome as Error).message).toMatch(/is not a plain id: "inc-1\\?"; rm -rf \/ #"/)
    expect(hostile.requests).toHaveLength(1)
  })
})

describe('hivel.ts: incidentIdFrom', () => {
  it.each([
    ['strict JSON', '{"message":"Success","incident_id":"incident-2024-08-01-12345"}', 'incident-2024-08-01-12345'],
    ["Hivel's example, trailing comma", '{\n  "message": "Success",\n  "incident_id": "incident-1",\n}', 'incident-1'],
    ['a number', '{"incident_id": 42}', '42'],
    ['a number too big for a double, every digit kept', '{"incident_id": 12345678901234567890}', '12345678901234567890'],
    ['a big number in near-JSON', '{"incident_id": 12345678901234567890,}', '12345678901234567890'],
    ['padding trimmed', '{"incident_id":"  inc-1  "}', 'inc-1'],
    ['under data', '{"data":{"incident_id":"inc-2"}}', 'inc-2'],
    ['an escape in near-JSON', '{"incident_id":"inc\\u002d3",}', 'inc-3'],
    ['a bad escape in near-JSON, kept as written', '{"incident_id":"inc\\x",}', 'inc\\x'],
    ['a body cut short after the id', '{"message":"Success","incident_id":"inc-7"', 'inc-7']
  ])('%s', (_name, body, id) => {
    expect(incidentIdFrom(body)).toBe(id)
  })

  it.each([
    ['an empty body', ''],
    ['no id', '{"message":"Success"}'],
    ['an empty id', '{"incident_id":""}'],
    ['a blank id', '{"incident_id":"   "}'],
    ['a null id', '{"incident_id":null}'],
    ['an object id', '{"incident_id":{"id":1}}'],
    ['JSON null', 'null'],
    ['an array', '[{"x":1}]'],
    ['HTML', '<html>Bad gateway</html>']
  ])('none from %s', (_name, body) => {
    expect(incidentIdFrom(body)).toBeUndefined()
  })
})

describe('hivel.ts: retryAfterMs', () => {
  const now = Date.parse('2026-11-26T10:00:00Z')
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['0', 0],
    ['7', 7000],
    [' 2 ', 2000],
    ['1.5', 1500],
    ['-5', undefined],
    ['soon', undefined],
    ['1e3', undefined],
    ['Thu, 26 Nov 2026 10:00:30 GMT', 30_000],
    ['Thursday, 26-Nov-26 10:00:30 GMT', 30_000],
    ['Thu, 26 Nov 2026 09:00:00 GMT', 0],
    ['Thu, 99 Nov 2026 10:00:30 GMT', undefined]
  ])('%j → %j', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms)
  })
})
