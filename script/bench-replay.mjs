/**
 * The recovery path's bare counterpart for the benchmark (issue 18): a Node 24 ES module that makes
 * the requests the action made, in the order it made them, parsing each answer, with node:http. The
 * requests are those the action sent in a recorded run, through a proxy in front of the GitHub
 * stand-in that keeps each answer too, so the script replays what the action asks and cannot drift
 * from it. The two variants differ only in how the script gets node:http: a static import, or
 * process.getBuiltinModule (the physical floor: no ES module link step for it).
 */
import http from 'node:http'

/**
 * One request to replay, and the status the action got for it.
 * @typedef {object} Step
 * @property {'github' | 'hivel'} to the base URL: GITHUB_API_URL, or the base-url input
 * @property {string} method
 * @property {string} path with its query
 * @property {Record<string, string>} headers as the action sent them, less those node:http sets itself
 * @property {string} [body]
 * @property {number} status
 * @property {[string, (string | number)[]][]} take values later requests carry that this answer gave, and where in it
 */

/**
 * A request the recorder forwarded, with the answer it passed back.
 * @typedef {import('./stand-in.mjs').Received & { status: number, answer: string }} Exchange
 */

/** Headers node:http writes itself, from the body and the URL. */
const OWN = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'])

/**
 * A proxy on 127.0.0.1 in front of target that records each exchange whole. Link headers are
 * rewritten to the proxy, so paging stays inside the GITHUB_API_URL the action was given.
 * @param {string} target the stand-in's URL
 */
export async function startRecorder(target) {
  /** @type {Exchange[]} */
  const exchanges = []
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const at = performance.now()
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !OWN.has(k)))
      const forward = http.request(`${target}${req.url}`, { method: req.method, headers }, answer => {
        /** @type {Buffer[]} */
        const parts = []
        answer.on('data', c => parts.push(c))
        answer.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8')
          const status = answer.statusCode ?? 0
          exchanges.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at, status, answer: text })
          const back = Object.fromEntries(Object.entries(answer.headers).filter(([k]) => !OWN.has(k)))
          if (typeof back.link === 'string') back.link = back.link.replaceAll(target, url)
          res.writeHead(status, /** @type {http.OutgoingHttpHeaders} */ (back)).end(text)
        })
      })
      forward.on('error', error => res.writeHead(502).end(String(error)))
      forward.end(body)
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`
  return {
    url,
    exchanges,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

/**
 * Where value sits in an answer, as keys from its root; undefined when it is not there.
 * @param {unknown} json
 * @param {string} value
 * @returns {(string | number)[] | undefined}
 */
function where(json, value) {
  if (json === value) return []
  if (!json || typeof json !== 'object') return undefined
  for (const [k, v] of Object.entries(json)) {
    const keys = where(v, value)
    if (keys) return [Array.isArray(json) ? Number(k) : k, ...keys]
  }
  return undefined
}

/**
 * The steps of the replay: the GitHub exchanges and the Hivel requests of one run, in the order
 * they arrived. A sha a request carries that an earlier answer gave (the ledger's new tree and
 * commit) is taken from that answer in the replay, as a script making these requests would: the
 * stand-in mints new ones every run.
 * @param {Exchange[]} github
 * @param {import('./stand-in.mjs').Received[]} hivel
 * @returns {Step[]}
 */
export function replayPlan(github, hivel) {
  const arrived = [
    ...github.map(e => ({ to: /** @type {const} */ ('github'), e, status: e.status, answer: e.answer })),
    ...hivel.map(e => ({ to: /** @type {const} */ ('hivel'), e, status: 200, answer: '' }))
  ].sort((x, y) => x.e.at - y.e.at)
  /** @type {Step[]} */
  const steps = []
  /** @type {unknown[]} */
  const answers = []
  for (const { to, e, status, answer } of arrived) {
    for (const value of new Set(`${e.url} ${e.body}`.match(/\b[0-9a-f]{40}\b/g))) {
      for (let j = steps.length - 1; j >= 0; j--) {
        const keys = where(answers[j], value)
        if (!keys) continue
        if (!steps[j].take.some(([was]) => was === value)) steps[j].take.push([value, keys])
        break
      }
    }
    const headers = Object.fromEntries(
      Object.entries(e.headers).flatMap(([k, v]) => (OWN.has(k) || v === undefined ? [] : [[k, String(v)]]))
    )
    steps.push({ to, method: e.method, path: e.url, headers, ...(e.body ? { body: e.body } : {}), status, take: [] })
    answers.push(to === 'github' && answer ? JSON.parse(answer) : undefined)
  }
  return steps
}

/**
 * The body both bare scripts share. It runs in the bare script, not here: its text is copied into
 * the script, so it uses nothing but its parameters.
 * @param {typeof import('node:http')} http
 * @param {(file: string, text: string) => void} appendFileSync
 * @param {Step[]} steps
 */
async function replay(http, appendFileSync, steps) {
  const base = { github: process.env.GITHUB_API_URL, hivel: process.env['INPUT_BASE-URL'] }
  /** @type {Map<string, string>} the recorded run's shas, and this run's in their place */
  const now = new Map()
  const swap = (/** @type {string} */ text) => [...now].reduce((t, [was, is]) => t.replaceAll(was, is), text)
  for (const step of steps) {
    /** @type {{ status: number, text: string }} */
    const { status, text } = await new Promise((resolve, reject) => {
      const req = http.request(`${base[step.to]}${swap(step.path)}`, { method: step.method, headers: step.headers }, res => {
        /** @type {Buffer[]} */
        const chunks = []
        res.on('data', c => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(step.body === undefined ? undefined : swap(step.body))
    })
    if (status !== step.status) {
      console.error(`${step.method} ${step.path}: HTTP ${status}, not ${step.status}: ${text}`)
      process.exit(1)
    }
    if (step.to === 'github') {
      const json = JSON.parse(text)
      for (const [was, keys] of step.take)
        now.set(
          was,
          keys.reduce((o, k) => o[k], json)
        )
      continue
    }
    // Hivel's published answer has a trailing comma: not JSON.
    const id = /"incident_id"\s*:\s*"?([^",}\s]+)/.exec(text)?.[1]
    if (!id) {
      console.error(`Hivel answered without an incident_id: ${text}`)
      process.exit(1)
    }
    appendFileSync(/** @type {string} */ (process.env.GITHUB_OUTPUT), `incident_id=${id}\n`)
  }
}

/**
 * The bare script replaying steps, getting node:http by a static import or through process.getBuiltinModule.
 * @param {Step[]} steps
 * @param {'import' | 'getBuiltinModule'} load
 */
export function replayScript(steps, load) {
  return [
    "import { appendFileSync } from 'node:fs'",
    load === 'import' ? "import http from 'node:http'" : "const http = process.getBuiltinModule('node:http')",
    `await (${replay.toString()})(http, appendFileSync, ${JSON.stringify(steps)})`,
    ''
  ].join('\n')
}
