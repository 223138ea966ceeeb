/**
 * npm run demo: runs the built action as a runner would, against local stand-ins of Hivel's API and
 * of the GitHub API, and prints the request Hivel received, the step's outputs, its summary and the
 * record it left; then runs the same step again to show that a re-run files nothing.
 */
import { startHistory } from './history-stand-in.mjs'
import { runAction } from './run-action.mjs'
import { hivel, startServer } from './stand-in.mjs'

const server = await startServer(hivel)
const github = await startHistory({})
console.log(`Stand-in Hivel API on ${server.url}, GitHub API on ${github.url}; running dist/index.js as a workflow_dispatch step.\n`)
const step = () =>
  runAction({
    eventName: 'workflow_dispatch',
    event: { inputs: {} },
    env: { GITHUB_API_URL: github.url },
    inputs: {
      'api-token': 'demo-token-not-a-secret',
      'github-token': 'demo-github-token',
      'base-url': server.url,
      severity: 'sev2',
      description: 'Checkout API timing out after deploy',
      'affected-systems': 'checkout, payments',
      'reported-time': new Date(Date.now() - 45 * 60_000).toISOString(),
      'pr-number': '#44'
    }
  })
const result = await step()
console.log('--- action log ---')
process.stdout.write(result.shown)
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
console.log('--- the record left on pull request #44 ---')
console.log(github.comments[44]?.map(c => c.body).join('\n\n') ?? '(none)')
const again = await step()
console.log('\n--- the same step re-run ---')
console.log(
  again.shown
    .split('\n')
    .filter(line => !line.startsWith('::debug::'))
    .join('\n')
)
console.log(`Hivel received ${server.requests.length} incident(s) in all; the re-run's incident_id is ${again.outputs.incident_id}.`)
await server.close()
await github.close()
process.exitCode = result.code || again.code || 0
