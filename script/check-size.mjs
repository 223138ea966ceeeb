/**
 * The size budget every runner pays for: dist/index.js is loaded on every run, so it may not grow
 * past 800 KB (decimal: 800 × 1000 bytes, as the issue states the budget). Prints the size of every
 * file in dist/ (ncc would split lazily loaded chunks into files of their own) and the size of the
 * archive runners download, and exits 1 when dist/index.js is over budget or that archive lacks
 * action.yml or a file of dist/. `.ci/run` calls it; `npm run bench` reuses its measurements.
 * It also keeps docs/performance.md true: the sizes it states (rounded, between <!-- sizes --> and
 * <!-- /sizes -->) may be at most 10% off the build, and `--write` rewrites them.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const DIST = join(ROOT, 'dist')
/** dist/index.js budget in bytes: 800 KB with KB = 1000 bytes. */
export const INDEX_BUDGET = 800 * 1000
/** `git archive HEAD | gzip -9` target in bytes: 380 KB, below http-request-action's 381 KB. */
export const ARCHIVE_TARGET = 380 * 1000

/** The page that states the sizes and the bench's figures. */
export const PERFORMANCE_DOC = join(ROOT, 'docs', 'performance.md')
/** How far a size the docs state may be from the build's before the check fails. */
const TOLERANCE = 0.1

/**
 * The text between `<!-- name -->` and `<!-- /name -->` in a Markdown file, or undefined.
 * @param {string} text
 * @param {string} name
 */
export function readBlock(text, name) {
  const start = text.indexOf(`<!-- ${name} -->\n`)
  const end = text.indexOf(`<!-- /${name} -->`)
  return start === -1 || end < start ? undefined : text.slice(start + `<!-- ${name} -->\n`.length, end)
}

/**
 * Replaces the text between `<!-- name -->` and `<!-- /name -->` in a Markdown file.
 * @param {string} file
 * @param {string} name
 * @param {string} content ending in a newline
 */
export function writeBlock(file, name, content) {
  const text = readFileSync(file, 'utf8')
  const old = readBlock(text, name)
  if (old === undefined) throw new Error(`${relative(ROOT, file)} has no <!-- ${name} --> … <!-- /${name} --> block to write.`)
  writeFileSync(file, text.replace(`<!-- ${name} -->\n${old}`, `<!-- ${name} -->\n${content}`))
}

/** Bytes as the docs state them: KB (1000 bytes), to the nearest 10. */
const aboutKb = (/** @type {number} */ n) => `about ${Math.round(n / 10_000) * 10} KB`

/**
 * The sizes the docs state, in order: dist/index.js, any lazily loaded chunks, and the archive when measured.
 * @returns {{ what: string, size: number, target: string }[]}
 */
function stated() {
  const sizes = distSizes()
  const committed = archive()
  // ncc splits a dynamic import into a chunk of its own; the action has none since Octokit left it.
  const chunks = sizes.filter(s => /\/\d+\.index\.js$/.test(s.file)).reduce((sum, s) => sum + s.size, 0)
  return [
    { what: '`dist/index.js`, loaded on every run', size: sizes[0].size, target: `≤ ${INDEX_BUDGET / 1000} KB, enforced by \`.ci/run\`` },
    ...(chunks ? [{ what: 'the lazily loaded chunks (`dist/*.index.js`), loaded only when first used', size: chunks, target: '' }] : []),
    ...(committed
      ? [
          {
            what: '`git archive HEAD \\| gzip -9`, the repository as runners download it',
            size: committed.size,
            target: `≤ ${ARCHIVE_TARGET / 1000} KB`
          }
        ]
      : [])
  ]
}

/** The sizes table docs/performance.md holds between <!-- sizes --> and <!-- /sizes -->. */
function sizesTable() {
  const rows = stated().map(r => `| ${r.what} | ${aboutKb(r.size)} | ${r.target} |`)
  return ['| What a runner downloads or loads | size | target |', '| --- | --- | --- |', ...rows, ''].join('\n')
}

/**
 * Compares the sizes docs/performance.md states with the build's; returns the problems.
 * @returns {string[]}
 */
function checkStatedSizes() {
  const doc = relative(ROOT, PERFORMANCE_DOC)
  const block = existsSync(PERFORMANCE_DOC) ? readBlock(readFileSync(PERFORMANCE_DOC, 'utf8'), 'sizes') : undefined
  if (block === undefined) return [`${doc} has no <!-- sizes --> block: run node script/check-size.mjs --write.`]
  const figures = [...block.matchAll(/about ([\d,]+) KB/g)].map(m => Number(m[1].replace(/,/g, '')) * 1000)
  return stated().flatMap((row, i) =>
    figures[i] !== undefined && Math.abs(figures[i] - row.size) <= TOLERANCE * row.size
      ? []
      : [
          `${doc} states ${figures[i] === undefined ? 'nothing' : `${figures[i] / 1000} KB`} for ${row.what}, but it is ${bytes(row.size)}: ` +
            'run node script/check-size.mjs --write.'
        ]
  )
}

/** Thousands separators, so budgets and sizes read alike. */
export const bytes = (/** @type {number} */ n) => `${n.toLocaleString('en-US')} B`

/**
 * Every file in dist/ with its size and gzip -9 size, dist/index.js first.
 * @returns {{ file: string, size: number, gzip: number }[]}
 */
export function distSizes() {
  if (!existsSync(join(DIST, 'index.js'))) throw new Error('dist/index.js is missing: run npm run bundle first.')
  return readdirSync(DIST)
    .filter(name => statSync(join(DIST, name)).isFile())
    .map(name => {
      const data = readFileSync(join(DIST, name))
      return { file: relative(ROOT, join(DIST, name)), size: data.length, gzip: gzipSync(data, { level: 9 }).length }
    })
    .sort((a, b) => Number(b.file === 'dist/index.js') - Number(a.file === 'dist/index.js') || b.size - a.size)
}

/**
 * `git archive HEAD | gzip -9`: what a runner downloads for the pinned ref (GitHub's archives
 * honour export-ignore in .gitattributes). It is the committed HEAD, so uncommitted changes are
 * not in it. Uses the gzip program when there is one, as zlib's level 9 compresses differently
 * (a few KB larger on this repository). Undefined outside a git repository.
 * @returns {{ size: number, how: string, files?: string[] } | undefined} files: undefined without a tar program
 */
export function archive() {
  const tar = spawnSync('git', ['archive', '--format=tar', 'HEAD'], { cwd: ROOT, maxBuffer: 1 << 30 })
  if (tar.status !== 0) return undefined
  const list = spawnSync('tar', ['-t'], { input: tar.stdout, maxBuffer: 1 << 30, encoding: 'utf8' })
  const files = list.status === 0 ? list.stdout.split('\n').filter(f => f && !f.endsWith('/')) : undefined
  const gzip = spawnSync('gzip', ['-9', '-c'], { input: tar.stdout, maxBuffer: 1 << 30 })
  if (gzip.status === 0) return { size: gzip.stdout.length, how: 'git archive HEAD | gzip -9', files }
  return { size: gzipSync(tar.stdout, { level: 9 }).length, how: 'git archive HEAD, zlib level 9 (no gzip program)', files }
}

/** Files the runner needs from the archive: action.yml and dist/ as committed. */
function runtimeFiles() {
  const ls = spawnSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', '--', 'action.yml', 'dist'], { cwd: ROOT, encoding: 'utf8' })
  return ls.status === 0 ? ls.stdout.split('\n').filter(Boolean) : []
}

/** Whether dist/ in the working tree differs from HEAD's, so the archive size is not today's dist. */
export function distDiffersFromHead() {
  const diff = spawnSync('git', ['status', '--porcelain', '--', 'dist'], { cwd: ROOT, encoding: 'utf8' })
  return diff.status === 0 && diff.stdout.trim() !== ''
}

/**
 * Prints the sizes and returns the exit code: 1 when dist/index.js is over budget, or when the
 * archive leaves out a file the runner needs (an export-ignore that covers dist/ or action.yml).
 */
function main() {
  const sizes = distSizes()
  const width = Math.max(...sizes.map(s => s.file.length))
  for (const { file, size, gzip } of sizes) console.log(`${file.padEnd(width)}  ${bytes(size).padStart(11)}  (gzip -9 ${bytes(gzip)})`)
  let code = 0
  const index = sizes[0]
  if (index.size > INDEX_BUDGET) {
    console.error(
      `dist/index.js is ${bytes(index.size)}, over its budget of ${bytes(INDEX_BUDGET)} (800 KB) by ${bytes(index.size - INDEX_BUDGET)}. ` +
        'Every run loads it: keep rarely used code in a lazily imported chunk, or raise the budget in script/check-size.mjs with the reason.'
    )
    code = 1
  } else {
    console.log(`dist/index.js is within its budget of ${bytes(INDEX_BUDGET)} (${bytes(INDEX_BUDGET - index.size)} to spare).`)
  }
  const committed = archive()
  if (!committed) {
    console.log('Not a git repository: the archive a runner downloads was not measured.')
    return code
  }
  const over = committed.size > ARCHIVE_TARGET ? `, over the ${bytes(ARCHIVE_TARGET)} target` : ` (target ${bytes(ARCHIVE_TARGET)})`
  console.log(`${committed.how}: ${bytes(committed.size)}${over}`)
  const missing = committed.files ? runtimeFiles().filter(f => !committed.files?.includes(f)) : []
  if (missing.length) {
    console.error(`The archive runners download leaves out ${missing.join(', ')}: no export-ignore in .gitattributes may cover them.`)
    code = 1
  }
  return code
}

/** Checks (or with --write, rewrites) the sizes docs/performance.md states; returns the exit code. */
function docs() {
  if (process.argv.includes('--write')) {
    writeBlock(PERFORMANCE_DOC, 'sizes', sizesTable())
    console.log(`Wrote the sizes into ${relative(ROOT, PERFORMANCE_DOC)}.`)
    return 0
  }
  const problems = checkStatedSizes()
  for (const problem of problems) console.error(problem)
  if (!problems.length) console.log(`The sizes ${relative(ROOT, PERFORMANCE_DOC)} states are within ${TOLERANCE * 100}% of the build.`)
  return problems.length ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = Math.max(main(), docs())
  } catch (error) {
    console.error(/** @type {Error} */ (error).message)
    process.exitCode = 1
  }
}
