/**
 * Serves the stand-in Hivel API (script/stand-in.mjs) on 127.0.0.1 until stopped, for CI and for
 * `npm run local-action`. Prints its URL as the first line and, under a runner, sets the step
 * output `url`.
 *
 *   node script/serve-stand-in.mjs [--record file.jsonl] [--detach]
 *
 * --record appends each request it receives as one JSON line (token headers replaced by ***).
 * --detach starts the server in the background and returns once it listens, so a workflow step
 * can end while the server keeps answering later steps of the job.
 */
import { spawn } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { hivel, startServer } from './stand-in.mjs'

const { values } = parseArgs({
  options: { record: { type: 'string' }, detach: { type: 'boolean', default: false } }
})

/** @param {string} url */
function announce(url) {
  // The output file first: once the URL is printed, a caller may end the step.
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `url=${url}\n`)
  console.log(url)
}

if (values.detach) {
  const args = [fileURLToPath(import.meta.url), ...(values.record ? ['--record', values.record] : [])]
  // No stream of the step stays open in the child: a runner may wait for them to close.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GITHUB_OUTPUT: '' }
  })
  let stderr = ''
  child.stderr.on('data', (/** @type {Buffer} */ data) => (stderr += data.toString('utf8')))
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (/** @type {Buffer} */ data) => resolve(data.toString('utf8').trim()))
    child.once('exit', code => reject(new Error(`the stand-in exited with code ${code} before it listened: ${stderr}`)))
  })
  child.stdout.destroy()
  child.stderr.destroy()
  child.unref()
  announce(/** @type {string} */ (url))
  console.log(`pid ${child.pid}; stop it with: kill ${child.pid}`)
} else {
  const server = await startServer(async (req, res, count) => {
    if (values.record) {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, /^(authorization|x-api-token)$/i.test(k) ? '***' : v])
      )
      appendFileSync(values.record, `${JSON.stringify({ ...req, headers })}\n`)
    }
    await hivel(req, res, count)
  })
  announce(server.url)
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
    process.once(signal, () => void server.close().then(() => process.exit(0)))
}
