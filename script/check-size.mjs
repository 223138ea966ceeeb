/**
 * The size budget every runner pays for: dist/index.js is loaded on every run, so it may not grow
 * past 800 KB (decimal: 800 × 1000 bytes, as the issue states the budget). Prints the size of every
 * file in dist/ (ncc splits lazily loaded chunks into files of their own) and the size of the
 * archive runners download, and exits 1 when dist/index.js is over budget or that archive lacks
 * action.yml or a file of dist/. `.ci/run` calls it; `npm run bench` reuses its measurements.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const DIST = join(ROOT, 'dist')
/** dist/index.js budget in bytes: 800 KB with KB = 1000 bytes. */
export const INDEX_BUDGET = 800 * 1000
/** `git archive HEAD | gzip -9` target in bytes: 380 KB, below http-request-action's 381 KB. */
export const ARCHIVE_TARGET = 380 * 1000

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main()
  } catch (error) {
    console.error(/** @type {Error} */ (error).message)
    process.exitCode = 1
  }
}
