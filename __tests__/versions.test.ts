/**
 * One version story: the CHANGELOG names the next release, the docs' recipes and the pinning page pin
 * its major, package.json holds the last release (script/release sets it), and script/release tags
 * vX.Y.Z, moves vX, and refuses a release whose major the docs do not pin.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')
const DOC_FILES = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter(n => n.endsWith('.md'))
    .map(n => `docs/${n}`)
]

const changelog = read('CHANGELOG.md')
/** The latest dated release: `## [X.Y.Z] - YYYY-MM-DD`. */
const released = /^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/m.exec(changelog)?.[1] ?? ''
const unreleased = /^## \[Unreleased\]\n([\s\S]*?)^## \[/m.exec(changelog)?.[1].trim() ?? ''
/** The version the Unreleased section will ship as; with nothing unreleased, the latest release. */
const next = unreleased ? /^To be released as \*\*(\d+\.\d+\.\d+)\*\*/.exec(unreleased)?.[1] : released
const major = (version: string) => Number(version.split('.')[0])
const newer = (a: string, b: string) => {
  const [x, y] = [a, b].map(v => v.split('.').map(Number))
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}

describe('the version the docs describe', () => {
  it('is named by the CHANGELOG: its Unreleased section opens with the version it will ship as, newer than the last release', () => {
    expect(released).toMatch(/^\d+\.\d+\.\d+$/)
    expect(next).toMatch(/^\d+\.\d+\.\d+$/)
    if (unreleased) expect(newer(next as string, released)).toBeGreaterThan(0)
  })

  it('is what a breaking Unreleased section calls for: a major release when something was removed', () => {
    if (/^### Removed$/m.test(unreleased)) expect(major(next as string)).toBe(major(released) + 1)
  })

  it("is pinned by every recipe: each `uses: …hivel-incident-action@vN` names the next release's major", () => {
    const pins = DOC_FILES.flatMap(file => [...read(file).matchAll(/hivel-incident-action@v(\d+)\b/g)].map(m => `${file}: @v${m[1]}`))
    expect(pins.length).toBeGreaterThan(10)
    expect(pins.filter(pin => !pin.endsWith(`@v${major(next as string)}`))).toEqual([])
  })

  it('is the one the pinning page shows: its SHA pin comment, its ls-remote and what the major tag moves to', () => {
    const pinning = read('docs/pinning.md')
    const m = major(next as string)
    expect(pinning).toContain(`@<40-character commit SHA> # v${next}`)
    expect(pinning).toContain(`hivel-incident-action v${next}`)
    expect(pinning).toContain(`It moves to every ${m}.x.y release, never to a ${m + 1}.0.0.`)
  })

  it('leaves package.json at the last release until script/release, which refuses any other, tags it', () => {
    expect((JSON.parse(read('package.json')) as { version: string }).version).toBe(released)
  })
})

describe('script/release', () => {
  const GIT_ENV = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Release Test',
    GIT_AUTHOR_EMAIL: 'release@example.com',
    GIT_COMMITTER_NAME: 'Release Test',
    GIT_COMMITTER_EMAIL: 'release@example.com',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1'
  }

  /** A repository with script/release, checks that pass at once, and docs that pin `@<pin>`. */
  function scratch(pin: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'hivel-release-'))
    mkdirSync(join(dir, 'script'))
    mkdirSync(join(dir, 'docs'))
    copyFileSync(join(ROOT, 'script', 'release'), join(dir, 'script', 'release'))
    writeFileSync(join(dir, 'README.md'), `- uses: <owner>/hivel-incident-action@${pin}\n`)
    writeFileSync(join(dir, 'docs', 'situations.md'), `      - uses: <owner>/hivel-incident-action@${pin}\n`)
    git(dir, 'init', '-q', '-b', 'main')
    return dir
  }

  /** Commits a release of version, its CHANGELOG section dated. */
  function prepare(dir: string, version: string): void {
    const scripts = { bundle: 'true', typecheck: 'true', lint: 'true', coverage: 'true' }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version, private: true, scripts }))
    writeFileSync(join(dir, 'CHANGELOG.md'), `# Changelog\n\n## [${version}] - 2026-12-04\n\nA release.\n`)
    git(dir, 'add', '-A')
    git(dir, 'commit', '-qm', `Release ${version}`)
  }

  const git = (dir: string, ...args: string[]) => {
    const run = spawnSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' })
    if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`)
    return run.stdout.trim()
  }
  const release = (dir: string, version: string) =>
    spawnSync('bash', ['script/release', version], { cwd: dir, env: GIT_ENV, encoding: 'utf8' })
  const tagsAt = (dir: string, ref: string) => git(dir, 'tag', '--points-at', ref).split('\n').sort()

  it('tags vX.Y.Z and moves the major tag vX to it, release after release', () => {
    const dir = scratch('v2')
    try {
      prepare(dir, '2.0.0')
      expect(release(dir, '2.0.0').status).toBe(0)
      expect(tagsAt(dir, 'HEAD')).toEqual(['v2', 'v2.0.0'])
      prepare(dir, '2.1.0')
      const run = release(dir, '2.1.0')
      expect(run.stdout).toContain('Moved v2 to v2.1.0')
      expect(tagsAt(dir, 'HEAD')).toEqual(['v2', 'v2.1.0'])
      expect(tagsAt(dir, 'HEAD~1')).toEqual(['v2.0.0'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('refuses a release whose major the docs do not pin, and tags nothing', () => {
    const dir = scratch('v1')
    try {
      prepare(dir, '2.0.0')
      const run = release(dir, '2.0.0')
      expect(run.status).toBe(1)
      expect(run.stderr).toContain('release: refused: the docs pin v1, not v2: pin @v2 in README.md and docs/')
      expect(git(dir, 'tag')).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
