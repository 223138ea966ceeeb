/**
 * Fault injection: the built action, run as the runner does under each Node, against servers on
 * 127.0.0.1 that fail in every way a degraded network or Hivel can. Each test checks what the
 * server saw, the exit code, the outputs, the time taken, and that nothing leaked or was injected.
 */
import { describe, expect, it } from '@jest/globals'
import { minutesAgo, runAction, startServer, TOKEN } from '../__fixtures__/action.js'
import type { Handler, RunResult } from '../__fixtures__/action.js'
import { wallBound } from '../__fixtures__/bounds.js'
import {
  closedPort,
  dripBody,
  dripHeaders,
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
import { NODES } from '../__fixtures__/nodes.js'

const INJECTED = '::set-output name=x::y'
const HOSTILE = `Token ${TOKEN} is invalid\n${INJECTED}\n::error::injected\r\n\u001b[2J\u0007::warning::injected`

const baseInputs = (baseUrl: string, more: Record<string, string> = {}) => ({
  'api-token': TOKEN,
  'base-url': baseUrl,
  severity: 'high',
  'reported-time': minutesAgo(30),
  'pr-number': '44',
  'timeout-seconds': '1',
  // Delivery alone; what the ledger makes of each outcome is exactly-once.test.ts's.
  record: 'false',
  ...more
})

interface Expected {
  requests: number
  code: number
  id?: string
  /** Wall time bounds: the waits the run is made of; the upper one is made generous by wallBound. */
  ms: [number, number]
  log?: (string | RegExp)[]
}

/** The attempt lines ("Attempt n of m: ...") of a run's log. */
const attemptLines = (result: RunResult) => result.shown.split('\n').filter(line => /^Attempt \d+ of \d+: /.test(line))

/** What every run must show, whatever the fault: the counts, the bounds, no token, no injection. */
function expectRun(result: RunResult, requests: number, expected: Expected) {
  expect({ requests, code: result.code }).toEqual({ requests: expected.requests, code: expected.code })
  expect(result.outputs.incident_id ?? '').toBe(expected.id ?? '')
  expect(result.ms).toBeGreaterThanOrEqual(expected.ms[0])
  // A run with no waits took up to 3.5 s on a loaded 2-core CI machine; an unbounded attempt takes 30 s.
  expect(result.ms).toBeLessThan(wallBound(expected.ms[1]))
  for (const text of expected.log ?? []) expect(result.shown).toMatch(text)
  expect(result.shown).not.toContain(TOKEN)
  expect(JSON.stringify(result.outputs)).not.toContain(TOKEN)
  expect(result.summary).not.toContain(TOKEN)
  // Only the action's own commands start a line (annotations with their title, log groups); nothing a server sent can.
  for (const line of result.log.split('\n')) {
    if (line.startsWith('::')) expect(line).toMatch(/^::(add-mask|debug|group|endgroup|(notice|warning|error)( title=[^:]*)?)::/)
    expect(line).not.toMatch(/^::\w+::injected/)
  }
  expect(result.shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/) // eslint-disable-line no-control-regex
  expect(result.outputs.x).toBeUndefined()
}

/** Runs the action against a stand-in with `handler`, and checks the run. */
async function against(
  node: string,
  handler: Handler,
  inputs: Record<string, string>,
  expected: Expected,
  env: Record<string, string> = {}
) {
  const server = await startServer(handler)
  try {
    const result = await runAction({
      node,
      inputs: baseInputs(server.url, inputs),
      env: { ACTIONS_STEP_DEBUG: 'true', ...env },
      timeoutMs: 30_000
    })
    expectRun(result, server.requests.length, expected)
    return { result, server }
  } finally {
    await server.close()
  }
}

describe.each(NODES)('delivery under %s', (_label, node) => {
  describe('retries what another attempt can fix', () => {
    it.concurrent('a refused connection, until the attempts run out', async () => {
      const port = await closedPort()
      const result = await runAction({ node, inputs: baseInputs(`http://127.0.0.1:${port}`, { 'max-attempts': '3' }), timeoutMs: 30_000 })
      expectRun(result, 0, {
        requests: 0,
        code: 1,
        ms: [0, 3000],
        log: [
          'Attempt 1 of 3: connection refused; retrying in',
          'Attempt 3 of 3: connection refused; no attempts left',
          'after 3 attempts; the last one got connection refused'
        ]
      })
      expect(attemptLines(result)).toHaveLength(3)
    })

    it.concurrent('a connection reset after the request was written, only with retry-when-unsure: true', async () => {
      const { result } = await against(
        node,
        resetBeforeAnswer,
        { 'max-attempts': '2', 'retry-when-unsure': 'true' },
        {
          requests: 2,
          code: 1,
          ms: [0, 1000],
          log: ['Attempt 1 of 2: connection reset after the request was sent; retrying in', 'Hivel may have filed it']
        }
      )
      expect(attemptLines(result)).toHaveLength(2)
    })

    it.concurrent('a server that never answers, each attempt cut at timeout-seconds, only with retry-when-unsure: true', async () => {
      await against(
        node,
        neverAnswer,
        { 'max-attempts': '2', 'retry-when-unsure': 'true' },
        {
          requests: 2,
          code: 1,
          ms: [2000, 3000],
          log: ['Attempt 2 of 2: no response within 1 s after the request was sent; no attempts left']
        }
      )
    })

    it.concurrent('429 with Retry-After: 1, waiting as asked', async () => {
      const { result } = await against(
        node,
        sequence({ status: 429, body: '{"message":"Too Many Requests"}', headers: { 'Retry-After': '1' } }, success()),
        { 'max-attempts': '2' },
        {
          requests: 2,
          code: 0,
          id: 'incident-1',
          ms: [1000, 1000],
          log: [
            'Attempt 1 of 2: HTTP 429: {"message":"Too Many Requests"}; retrying in 1.0 s (Retry-After)',
            'Attempt 2 of 2: HTTP 200, incident incident-1'
          ]
        }
      )
      expect(result.outputs.payload).toContain('"pr_number":"44"')
    })

    it.concurrent('503 twice, then 200', async () => {
      await against(
        node,
        sequence({ status: 503, body: 'Service Unavailable' }, { status: 503 }, success('incident-3')),
        { 'max-attempts': '4' },
        {
          requests: 3,
          code: 0,
          id: 'incident-3',
          ms: [0, 3000],
          log: [
            'Attempt 1 of 4: HTTP 503: Service Unavailable; retrying in',
            'Attempt 2 of 4: HTTP 503; retrying in',
            'Attempt 3 of 4: HTTP 200, incident incident-3'
          ]
        }
      )
    })

    it.concurrent('500 only with retry-when-unsure: true', async () => {
      await against(
        node,
        sequence({ status: 500, body: 'boom' }, success('incident-2')),
        { 'max-attempts': '2', 'retry-when-unsure': 'true' },
        {
          requests: 2,
          code: 0,
          id: 'incident-2',
          ms: [0, 1000],
          log: ['Attempt 1 of 2: HTTP 500: boom; retrying in']
        }
      )
    })
  })

  describe('never retries what could file the incident twice or cannot get better', () => {
    it.concurrent.each([500, 502, 504])('%i, by default: Hivel may have stored it', async status => {
      await against(
        node,
        sequence({ status, body: '{"message":"Bad Gateway"}' }, { status }, success()),
        { 'max-attempts': '3' },
        {
          requests: 1,
          code: 1,
          ms: [0, 0],
          log: [`Attempt 1 of 3: HTTP ${status}`, 'Hivel may have filed the incident', 'in the resend input', '(1 attempt)']
        }
      )
    })

    it.concurrent('a Hivel that stores the incident but answers after the time-out: one POST, one incident', async () => {
      const stored: unknown[] = []
      const slowStore: Handler = (req, res) => {
        stored.push(req.json)
        // Long after the 1 s time-out, even for a step a loaded machine starves of CPU; the step does not wait for it.
        setTimeout(() => res.writeHead(200).end('{"message":"Success","incident_id":"late-1"}'), 5000).unref()
      }
      await against(
        node,
        slowStore,
        { 'max-attempts': '3' },
        {
          requests: 1,
          code: 1,
          ms: [1000, 1000],
          log: [
            'Attempt 1 of 3: no response within 1 s after the request was sent',
            'Hivel may have filed the incident',
            'Look in Hivel for an incident with provider_id'
          ]
        }
      )
      expect(stored).toHaveLength(1)
    })

    it.concurrent('a status line dripped slower than timeout-seconds: sent, so not sent again', async () => {
      await against(
        node,
        dripHeaders(100),
        { 'max-attempts': '2' },
        { requests: 1, code: 1, ms: [1000, 1000], log: ['Hivel may have filed the incident'] }
      )
    })

    it.concurrent('401, saying where to get a token, even when Hivel echoes it', async () => {
      await against(
        node,
        reply({ status: 401, body: JSON.stringify({ message: `bad token ${TOKEN}` }) }),
        { 'max-attempts': '3' },
        {
          requests: 1,
          code: 1,
          ms: [0, 0],
          log: ['Hivel rejected the API token (HTTP 401)', 'Settings → Integrations']
        }
      )
    })

    it.concurrent("400, showing Hivel's message", async () => {
      await against(
        node,
        reply({ status: 400, body: '{"message":"repo_url is not connected to Hivel"}' }),
        { 'max-attempts': '3' },
        {
          requests: 1,
          code: 1,
          ms: [0, 0],
          log: ['Hivel rejected the incident as a bad request (HTTP 400). Hivel said: {"message":"repo_url is not connected to Hivel"}']
        }
      )
    })

    it.concurrent('200 whose body stops coming: probably filed, so not sent again', async () => {
      await against(
        node,
        dripBody('{"message":"Succ', 200),
        { 'max-attempts': '3' },
        {
          requests: 1,
          code: 1,
          ms: [1000, 1000],
          log: ['Attempt 1 of 3: HTTP 200 (the body did not finish within 1 s)', 'The incident was probably filed; it is not sent again']
        }
      )
    })

    it.concurrent('200 whose body is cut by a reset', async () => {
      await against(
        node,
        resetDuringBody(200, '{"message":"Succ'),
        { 'max-attempts': '3' },
        {
          requests: 1,
          code: 1,
          ms: [0, 0],
          log: ['Attempt 1 of 3: HTTP 200 (connection reset during the body)', 'probably filed']
        }
      )
    })

    it.concurrent('200 whose id arrived before the body stalled: filed, and the id is kept', async () => {
      await against(
        node,
        dripBody('{"message":"Success","incident_id":"incident-7"', 200),
        { 'max-attempts': '3' },
        {
          requests: 1,
          code: 0,
          id: 'incident-7',
          ms: [1000, 1000]
        }
      )
    })
  })

  describe('reads the answers Hivel gives', () => {
    it.concurrent('200 with near-JSON (a trailing comma) and a numeric id, every digit kept', async () => {
      await against(
        node,
        reply({ status: 200, body: '{"message":"Success","incident_id": 12345678901234567890,}' }),
        {},
        {
          requests: 1,
          code: 0,
          id: '12345678901234567890',
          ms: [0, 0],
          log: ['Attempt 1 of 4: HTTP 200, incident 12345678901234567890']
        }
      )
    })

    it.concurrent('200 with no id: an error that shows the body, not retried', async () => {
      await against(
        node,
        reply({ status: 200, body: '{"message":"Success"}' }),
        {},
        {
          requests: 1,
          code: 1,
          ms: [0, 0],
          log: ['Hivel answered HTTP 200 but gave no incident_id (1 attempt). The body was: {"message":"Success"}']
        }
      )
    })

    it.concurrent('a 5 MiB body: read up to 1 MiB, shown cut short', async () => {
      const { result } = await against(
        node,
        huge(400, 5),
        {},
        {
          requests: 1,
          code: 1,
          ms: [0, 1000],
          log: ['HTTP 400', /more characters\)/]
        }
      )
      expect(result.log.length).toBeLessThan(20_000)
    })

    it.concurrent('a body with the token, workflow commands and control characters: neutralised', async () => {
      const { result } = await against(
        node,
        reply({ status: 400, body: HOSTILE }),
        {},
        {
          requests: 1,
          code: 1,
          ms: [0, 0],
          log: ['HTTP 400', 'Token *** is invalid', ': :set-output name=x: :y']
        }
      )
      expect(result.summary).toContain('not filed')
    })

    it.concurrent('200 whose id would inject a command into later steps: refused, not retried', async () => {
      const { result } = await against(
        node,
        reply(success(`incident-1\n${INJECTED}"; curl x | sh; "`)),
        {},
        {
          requests: 1,
          code: 1,
          ms: [0, 0],
          log: ['incident_id that is not a plain id']
        }
      )
      expect(result.outputs.incident_id).toBe('')
    })
  })

  describe('fail-on-error: false turns a failed delivery into a warning', () => {
    const failures: [string, Handler | 'refused', string][] = [
      ['refused connection', 'refused', 'connection refused'],
      ['time-out', neverAnswer, 'no response within 1 s'],
      ['401', reply({ status: 401, body: TOKEN }), 'HTTP 401'],
      ['500', reply({ status: 500 }), 'HTTP 500'],
      ['200 without an id', reply({ status: 200, body: '{}' }), 'gave no incident_id']
    ]
    it.concurrent.each(failures)('%s: exit 0, empty incident_id', async (_name, handler, words) => {
      const inputs = { 'fail-on-error': 'false', 'max-attempts': '1' }
      const expected: Expected = {
        requests: handler === 'refused' ? 0 : 1,
        code: 0,
        id: '',
        ms: [0, 1000],
        log: [new RegExp(`^::warning::.*${words}.*fail-on-error is false`, 'm')]
      }
      let result: RunResult
      if (handler === 'refused') {
        result = await runAction({ node, inputs: baseInputs(`http://127.0.0.1:${await closedPort()}`, inputs), timeoutMs: 30_000 })
        expectRun(result, 0, expected)
      } else {
        result = (await against(node, handler, inputs, expected)).result
      }
      expect(result.outputs.incident_id).toBe('')
      // A time-out or a 500 may come after Hivel stored it: unsure, not "not filed".
      expect(result.summary).toMatch(/Hivel incident (not filed|unsure: not sent again)/)
    })

    it.concurrent('but bad input still fails the step, sending nothing', async () => {
      await against(
        node,
        reply(success()),
        { 'fail-on-error': 'false', 'reported-time': 'yesterday' },
        {
          requests: 0,
          code: 1,
          ms: [0, 0],
          log: [/^::error::Input 'reported-time'/m]
        }
      )
    })
  })

  describe('proxies and plain http', () => {
    it.concurrent('a proxy that refuses the tunnel to the GitHub API: says what the proxy answered', async () => {
      const proxy = await startConnectProxy({}, { refusal: 403 })
      try {
        const result = await runAction({
          node,
          eventName: 'push',
          inputs: { ...baseInputs('https://hivel.test'), 'pr-number': '', 'github-token': 'ghs_t', description: 'x' },
          env: { HTTPS_PROXY: proxy.url, GITHUB_API_URL: 'https://api.github.test' },
          timeoutMs: 30_000
        })
        expect(result.code).toBe(1)
        expect(result.shown).toContain('the proxy refused the tunnel to the GitHub API with HTTP 403')
      } finally {
        await proxy.close()
      }
    })

    it.concurrent('HTTPS_PROXY: the request goes through a CONNECT tunnel to Hivel over TLS', async () => {
      const certificate = selfSignedCertificate('hivel.test')
      const hivel = await startServer(reply(success('incident-via-proxy')))
      const front = await startTlsFront(certificate, hivel.port)
      const proxy = await startConnectProxy({ 'hivel.test:443': front.port })
      try {
        const result = await runAction({
          node,
          inputs: baseInputs('https://hivel.test', { 'timeout-seconds': '5' }),
          env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: certificate.certPath },
          timeoutMs: 30_000
        })
        expectRun(result, hivel.requests.length, { requests: 1, code: 0, id: 'incident-via-proxy', ms: [0, 0] })
        expect(proxy.heads).toHaveLength(1)
        expect(proxy.heads[0]).toMatch(/^CONNECT hivel\.test:443 HTTP\/1\.1\r\n/)
        // The proxy sees where, never what: the token travels inside TLS.
        expect(proxy.heads[0]).not.toContain(TOKEN)
        expect(hivel.requests[0]).toMatchObject({ url: '/api/hooks/v1/incident', headers: { host: 'hivel.test', 'x-api-token': TOKEN } })
      } finally {
        await Promise.all([proxy.close(), front.close(), hivel.close()])
        certificate.remove()
      }
    })

    it.concurrent('a proxy that swallows CONNECT: each attempt still ends at timeout-seconds', async () => {
      const proxy = await startConnectProxy({}, { silent: true })
      try {
        const result = await runAction({
          node,
          inputs: baseInputs('https://hivel.test', { 'max-attempts': '2' }),
          env: { HTTPS_PROXY: proxy.url },
          timeoutMs: 30_000
        })
        expectRun(result, 0, { requests: 0, code: 1, ms: [2000, 3000], log: ['after 2 attempts; the last one got no response within 1 s'] })
        expect(proxy.heads).toEqual([
          expect.stringMatching(/^CONNECT hivel\.test:443 /),
          expect.stringMatching(/^CONNECT hivel\.test:443 /)
        ])
      } finally {
        await proxy.close()
      }
    })

    it.concurrent('a proxy that refuses the tunnel (403): said so, not retried', async () => {
      const proxy = await startConnectProxy({})
      try {
        const result = await runAction({
          node,
          inputs: baseInputs('https://hivel.test', { 'max-attempts': '3' }),
          env: { HTTPS_PROXY: proxy.url },
          timeoutMs: 30_000
        })
        expectRun(result, 0, {
          requests: 0,
          code: 1,
          ms: [0, 0],
          log: ['Could not reach Hivel at https://hivel.test: the proxy refused the tunnel with HTTP 403', '(1 attempt)']
        })
        expect(proxy.heads).toHaveLength(1)
      } finally {
        await proxy.close()
      }
    })

    it.concurrent('plain http to a name under .localhost is refused with HTTP_PROXY set: the proxy would see the token', async () => {
      const proxy = await startConnectProxy({})
      const hivel = await startServer(reply(success('never')))
      try {
        const result = await runAction({
          node,
          inputs: baseInputs(`http://hivel.localhost:${hivel.port}`),
          env: { HTTP_PROXY: proxy.url },
          timeoutMs: 30_000
        })
        expectRun(result, hivel.requests.length, {
          requests: 0,
          code: 1,
          ms: [0, 0],
          log: [/^::error::Input 'base-url' "http:\/\/hivel\.localhost:\d+\/" uses plain http for a host that is not loopback/m]
        })
        expect(proxy.heads).toEqual([])
      } finally {
        await Promise.all([proxy.close(), hivel.close()])
      }
    })

    it.concurrent('plain http to localhost goes straight there, past HTTP_PROXY', async () => {
      const proxy = await startConnectProxy({})
      const hivel = await startServer(reply(success('incident-direct')))
      try {
        const result = await runAction({
          node,
          inputs: baseInputs(`http://localhost:${hivel.port}`),
          env: { HTTP_PROXY: proxy.url, http_proxy: proxy.url },
          timeoutMs: 30_000
        })
        expectRun(result, hivel.requests.length, { requests: 1, code: 0, id: 'incident-direct', ms: [0, 0] })
        expect(proxy.heads).toEqual([])
      } finally {
        await Promise.all([proxy.close(), hivel.close()])
      }
    })

    it.concurrent('plain http to a host that is not loopback is refused before anything is sent', async () => {
      const proxy = await startConnectProxy({})
      try {
        const result = await runAction({
          node,
          inputs: baseInputs('http://hivel.test'),
          env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
          timeoutMs: 30_000
        })
        expectRun(result, proxy.heads.length, {
          requests: 0,
          code: 1,
          ms: [0, 0],
          log: [/^::error::Input 'base-url' .*plain http for a host that is not loopback/m]
        })
      } finally {
        await proxy.close()
      }
    })
  })
})
