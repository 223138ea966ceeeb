/** npm run actionlint's script, run on one Markdown file a test writes. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Lints `markdown` as the file `name` in a scratch folder: the file's path, the exit status and each line printed. */
export function lintMarkdown(markdown: string, name = 'doc.md'): { file: string; status: number | null; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hivel-lint-'))
  const file = join(dir, name)
  try {
    writeFileSync(file, markdown)
    const run = spawnSync(process.execPath, [join(ROOT, 'script', 'actionlint.mjs'), file], { cwd: ROOT, encoding: 'utf8' })
    return { file, status: run.status, lines: run.stdout.split('\n') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
