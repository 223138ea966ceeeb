/**
 * Local stand-ins for Hivel's Incident API and the GitHub API, on 127.0.0.1, for the demo,
 * the tests and the benchmark. Each records every request it receives.
 */
import http from 'node:http'
import { gitData, gitDatabase } from './git-stand-in.mjs'
import { REPO } from './run-action.mjs'

/**
 * @typedef {{ method: string, url: string, headers: http.IncomingHttpHeaders, body: string, json?: any, at: number }} Received (at: performance.now() when it was received)
 * @typedef {(req: Received, res: http.ServerResponse, count: number) => void | Promise<void>} Handler
 * @typedef {{ url: string, port: number, requests: Received[], sockets: Set<import('node:net').Socket>, close: () => Promise<void> }} Server
 */

/**
 * Starts a server on a free port of 127.0.0.1 that records each request and passes it to handler.
 * @param {Handler} handler
 * @returns {Promise<Server>}
 */
export async function startServer(handler) {
  /** @type {Received[]} */
  const requests = []
  const sockets = new Set()
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      /** @type {Received} */
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: performance.now() }
      try {
        received.json = JSON.parse(body)
      } catch {
        // Not JSON: the handler decides what that means.
      }
      requests.push(received)
      try {
        await handler(received, res, requests.length)
      } catch (error) {
        res.writeHead(599).end(String(error))
      }
    })
  })
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    sockets,
    close: () =>
      new Promise(resolve => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve(undefined))
      })
  }
}

export const INCIDENT_PATH = '/api/hooks/v1/incident'
export const DEPLOYMENT_PATH = '/api/hooks/v2/deployment'

/** The fields each endpoint requires, as Hivel's published docs list them. */
const REQUIRED = {
  [INCIDENT_PATH]: ['severity', 'reported_time', 'resolution_time', 'repo_url', 'pr_number'],
  [DEPLOYMENT_PATH]: ['deployment_id', 'event_type', 'status', 'start_time', 'end_time', 'repo_url', 'environment', 'branch']
}

/**
 * Behaves as Hivel's published docs describe, for incidents and deployments: 401 without a token
 * (the deployment API reads X-API-Token only), 400 when a required field is missing, else 200 with
 * the published bodies: a new incident id (with the docs' trailing comma), or a deployment's id.
 * @type {Handler}
 */
export function hivel(req, res, count) {
  const required = req.method === 'POST' ? REQUIRED[/** @type {keyof typeof REQUIRED} */ (req.url)] : undefined
  const deployment = req.url === DEPLOYMENT_PATH
  if (!required) {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not Found"}')
  } else if (!req.headers['x-api-token'] && (deployment || !req.headers.authorization)) {
    res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Unauthorized"}')
  } else if (!req.json || required.some(f => !req.json[f])) {
    const missing = required.filter(f => !req.json?.[f])
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: `Missing fields: ${missing.join(', ')}` }))
  } else if (deployment) {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'Success', deployment_id: 1000 + count }))
  } else {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{\n  "message": "Success",\n  "incident_id": "incident-${count}",\n}`)
  }
}

/**
 * A GitHub API that answers from a table of paths, keeps the ledger of REPO as GitHub's Git database
 * would (script/git-stand-in.mjs), and answers anything else with a 404 as GitHub gives it.
 * @param {Record<string, unknown | ((req: Received) => [number, unknown])>} routes path (without query) to JSON body, or to [status, body]
 * @param {import('./git-stand-in.mjs').GitData} [git]
 * @returns {Handler}
 */
export function githubApi(routes, git = gitData()) {
  return (req, res) => {
    const url = new URL(req.url, 'http://stand-in')
    const route = routes[url.pathname]
    const ledger =
      route === undefined && url.pathname.startsWith(`/repos/${REPO}/`)
        ? gitDatabase(git, req, url.pathname.slice(REPO.length + 7), url)
        : undefined
    const [status, body, headers = { 'Content-Type': 'application/json' }] =
      typeof route === 'function' ? route(req) : route !== undefined ? [200, route] : (ledger ?? [404, { message: 'Not Found' }])
    res.writeHead(status, headers).end(typeof body === 'string' && !headers['Content-Type'].includes('json') ? body : JSON.stringify(body))
  }
}
