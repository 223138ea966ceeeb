/**
 * npm run demo: runs the built action as a runner would, against local stand-ins of Hivel's API and
 * of the GitHub API: the deploy workflow failed 55 minutes ago and has just recovered, and the step
 * (deployments: true) sends the recovering run as a deployment, then files the outage as an
 * incident. It prints the requests Hivel received, the step's outputs, its summary and the ledger;
 * then runs the same step again to show that a re-run sends nothing.
 */
import { runOf, startHistory } from './history-stand-in.mjs'
import { runAction } from './run-action.mjs'
import { hivel, startServer } from './stand-in.mjs'

const ago = (/** @type {number} */ minutes) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
// Newest first, as GitHub lists them: the success that ends the outage, the failure that began it, the success before.
const recovered = { ...runOf(105, 'success', ago(10)), run_number: 42, run_started_at: ago(15) }
const runs = [recovered, runOf(104, 'failure', ago(55)), runOf(103, 'success', ago(180))]

const server = await startServer(hivel)
const github = await startHistory({ runs, pulls: { [runs[1].head_sha]: 44, [recovered.head_sha]: 45 } })
console.log(
  `Stand-in Hivel API on ${server.url}, GitHub API on ${github.url}; running dist/index.js as a step on the deploy workflow's recovery (workflow_run).\n`
)
const step = () =>
  runAction({
    eventName: 'workflow_run',
    event: { action: 'completed', workflow_run: recovered, workflow: { name: 'Deploy' } },
    env: { GITHUB_API_URL: github.url },
    inputs: {
      'api-token': 'demo-token-not-a-secret',
      'github-token': 'demo-github-token',
      'base-url': server.url,
      severity: 'sev2',
      deployments: 'true'
    }
  })
/**
 * The log as the runner shows it without step debugging: no ::debug:: lines, `::notice::text` as "Notice: text",
 * and a group as its title (folded on GitHub) with its lines indented.
 */
const asShown = (/** @type {string} */ log) => {
  let depth = 0
  return log
    .split('\n')
    .filter(line => !line.startsWith('::debug::'))
    .flatMap(line => {
      if (line.startsWith('::group::')) return [`${'  '.repeat(depth++)}▸ ${line.slice('::group::'.length)}`]
      if (line.startsWith('::endgroup::')) return ((depth = Math.max(0, depth - 1)), [])
      const shown = line.replace(/^::(notice|warning|error)(?: [^:]*)?::/, (_, kind) => `${kind[0].toUpperCase()}${kind.slice(1)}: `)
      return [`${'  '.repeat(depth)}${shown}`]
    })
    .join('\n')
}
const result = await step()
console.log('--- action log ---')
process.stdout.write(asShown(result.shown))
console.log('--- requests the stand-in Hivel received: the deployment, then the incident ---')
for (const r of server.requests) {
  console.log(`${r.method} ${r.url}`)
  for (const [k, v] of Object.entries(r.headers)) console.log(`${k}: ${/authorization|x-api-token/i.test(k) ? '*** (the token)' : v}`)
  console.log(JSON.stringify(r.json ?? r.body, null, 2))
}
console.log('--- step outputs (GITHUB_OUTPUT) ---')
console.log(result.outputs)
console.log('--- job summary (GITHUB_STEP_SUMMARY) ---')
console.log(result.summary)
console.log('--- the ledger (incidents.json on refs/hivel/incidents) ---')
console.log(JSON.stringify(github.ledger(), null, 2))
const again = await step()
console.log('\n--- the same step re-run ---')
console.log(asShown(again.shown))
console.log(
  `Hivel received ${server.requests.length} requests in all (one deployment, one incident); the re-run's deployment_id is ${again.outputs.deployment_id} and incident_id ${again.outputs.incident_id}.`
)
await server.close()
await github.close()
process.exitCode = result.code || again.code || 0
