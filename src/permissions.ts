/**
 * The permissions GitHub refused in a run, named together at its end as the lines to paste into the
 * job's `permissions:` block, so that one run, not one run per permission, says what to add.
 */
import * as core from '@actions/core'
import { writeMarkdown } from './report.js'

const LEVELS = ['read', 'write']

/** "scope: level" lines, one per scope (write where both were refused), in name order. */
export function permissionLines(refused: Iterable<string>): string[] {
  const scopes = new Map<string, string>()
  for (const permission of refused) {
    const [scope, level] = permission.split(':').map(part => part.trim())
    if (!scope || !LEVELS.includes(level)) continue
    if (LEVELS.indexOf(level) > LEVELS.indexOf(scopes.get(scope) ?? '')) scopes.set(scope, level)
  }
  return [...scopes].sort(([a], [b]) => a.localeCompare(b)).map(([scope, level]) => `${scope}: ${level}`)
}

/** One warning and a summary section with the lines to add; nothing when nothing was refused. */
export async function reportPermissions(refused: Iterable<string>): Promise<void> {
  const lines = permissionLines(refused)
  if (!lines.length) return
  const block = ['permissions:', ...lines.map(line => `  ${line}`)].join('\n')
  const these = lines.length === 1 ? 'this permission' : `these ${lines.length} permissions`
  core.warning(
    `GitHub refused github-token ${these}. Add to the job (a permissions: block grants nothing it does not list; for a personal access token, grant them to the token):\n${block}`,
    { title: `Missing permission${lines.length === 1 ? '' : 's'}: ${lines.join(', ')}` }
  )
  await writeMarkdown(
    [
      '',
      '#### Permissions to add',
      '',
      `GitHub refused github-token ${these}; add them to the job and run it again:`,
      '',
      '```yaml',
      block,
      '```',
      ''
    ].join('\n')
  )
}
