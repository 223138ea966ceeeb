/**
 * npm run demo: runs the built action as a runner would, against a local stand-in of Hivel's API,
 * and prints the request Hivel received and the step's outputs.
 */
import { runAction } from './run-action.mjs'
import { hivel, startServer } from './stand-in.mjs'

const server = await startServer(hivel)
console.log(`Stand-in Hivel API on ${server.url}; running dist/index.js as a workflow_dispatch step.\n`)
const result = await runAction({
  eventName: 'workflow_dispatch',
  event: { inputs: {} },
  inputs: {
    'api-token': 'demo-token-not-a-secret',
    'base-url': server.url,
    severity: 'sev2',
    description: 'Checkout API timing out after deploy',
    'affected-systems': 'checkout, payments',
    'reported-time': new Date(Date.now() - 45 * 60_000).toISOString(),
    'pr-number': '#44'
  }
})
await server.close()
console.log('--- action log ---')
process.stdout.write(result.log)
console.log('--- request the stand-in Hivel received ---')
for (const r of server.requests) {
  console.log(`${r.method} ${r.url}`)
  for (const [k, v] of Object.entries(r.headers)) console.log(`${k}: ${/authorization|x-api-token/i.test(k) ? '*** (the token)' : v}`)
  console.log(JSON.stringify(r.json ?? r.body, null, 2))
}
console.log('--- step outputs (GITHUB_OUTPUT) ---')
console.log(result.outputs)
console.log('--- job summary (GITHUB_STEP_SUMMARY) ---')
console.log(result.summary)
process.exitCode = result.code ?? 1
