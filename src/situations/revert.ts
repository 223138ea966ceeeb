/**
 * A merged revert: the change it reverts failed. The incident blames the reverted pull request,
 * from its merge (when the failed change went in) to the revert's merge (when it went out). Filed
 * from the revert's `pull_request` closed event or, in a backfill, from the closed pull requests
 * listed for a window.
 */
import { GitHubApi, GitHubApiError, Pull } from '../github-api.js'
import { severityFromLabels } from '../issue-text.js'
import { FIELD_LIMIT, truncate } from '../text.js'
import { Draft, fromApi, fromEvent, Skip, Source } from './draft.js'
import { labelNames } from './issue.js'
import type { Where } from './workflow-run.js'

/** How reverts are filed. */
export interface RevertOptions {
  /** revert-branches: branches besides the default one whose reverts are filed. */
  branches?: readonly string[]
  /** The severity input is set, so a revert without a severity label is filed with it. */
  severityInput: boolean
  /** A backfill lists a revert without a severity as one to fix, where a live event skips it. */
  backfill?: boolean
}

/** The GitHub API reads a revert needs. */
export type RevertApi = Pick<GitHubApi, 'pull' | 'pullCommitMessages' | 'pullForCommit'>

/** What a backfill has already read, so that a revert asks GitHub for none of it again. */
export interface Known {
  /** The commit the revert's own commit (in the branch's commit list) says it reverts: the revert's commits are not read. */
  commit?: string
  /** Merged pull requests of this repository already listed, by number. */
  byNumber?: ReadonlyMap<number, Pull>
  /** The same, by their merge commit and their head commit. */
  byCommit?: ReadonlyMap<string, Pull>
}

// Every quantifier is bounded (GitHub's owner names are at most 39 characters, repository names
// 100), so a hostile body costs a bounded number of steps per character: linear time.
/** "Reverts acme/shop#203" or "Reverts #203", as GitHub's Revert button writes the body. */
const REVERTS = /\breverts[ \t]{1,8}(?:([\w-]{1,39}\/[\w.-]{1,100}))?#(\d{1,9})\b/i
/** "revert-203-add-eu-checkout", the branch GitHub's Revert button pushes. */
const REVERT_BRANCH = /^revert-(\d{1,9})-/
/** "This reverts commit 1a2b3c….", as `git revert` writes the commit message. */
const REVERTS_COMMIT = /\bthis reverts commit ([0-9a-f]{7,40})\b/i

/** The pull request a revert's body or branch names, read without asking GitHub. */
export function revertedIn(pull: Pick<Pull, 'body' | 'head'>): { number: number; repository?: string } | undefined {
  const named = REVERTS.exec(pull.body ?? '')
  if (named && Number(named[2]) > 0) return { number: Number(named[2]), repository: named[1] }
  const branch = REVERT_BRANCH.exec(pull.head?.ref ?? '')
  return branch && Number(branch[1]) > 0 ? { number: Number(branch[1]) } : undefined
}

/** The commit a `git revert` message (or a body copied from one) reverts. */
export const revertedCommit = (text: string | null | undefined): string | undefined => REVERTS_COMMIT.exec(text ?? '')?.[1]

/** Whether a pull request is itself a revert, from what it says of itself. */
const isRevert = (pull: Pull) => pull.title.startsWith('Revert "') || !!revertedIn(pull) || !!revertedCommit(pull.body)

/**
 * What a revert reads of a pull request, for a backfill to keep of every one it lists: GitHub's
 * also embeds its two repositories, users and links, tens of kilobytes each.
 */
export const revertFields = (p: Pull): Pull => ({
  number: p.number,
  html_url: p.html_url,
  title: p.title,
  body: p.body,
  merged_at: p.merged_at,
  merge_commit_sha: p.merge_commit_sha,
  user: p.user && { login: p.user.login },
  labels: p.labels?.map(l => (typeof l === 'string' ? l : { name: l.name })),
  head: p.head && { ref: p.head.ref, sha: p.head.sha },
  base: p.base && { ref: p.base.ref, repo: p.base.repo && { full_name: p.base.repo.full_name, default_branch: p.base.repo.default_branch } }
})

/** The provider id of a revert's incident: the revert, so that each revert is one incident. */
export const revertProviderId = (repository: string, revert: Pick<Pull, 'number'>): string => `${repository}/pull/${revert.number}`

/**
 * The reverted pull request (whole when already read), where its number came from and the commit
 * it was found by; or the reverted commit when no pull request has it.
 */
type Found = { number: number; repository: string; source: Source; pull?: Pull; sha?: string } | { commit: string } | undefined

/**
 * Finds what a revert reverts: its body's "Reverts #N", its branch, then "This reverts commit" in
 * its body or commits. A commit's pull request comes whole, so it is not read again.
 */
async function findReverted(revert: Pull, where: Where, api: RevertApi, known: Known): Promise<Found> {
  const named = revertedIn(revert)
  if (named) {
    const repository = named.repository ?? where.repository
    const own = repository.toLowerCase() === where.repository.toLowerCase()
    return { number: named.number, repository, source: 'event', pull: own ? known.byNumber?.get(named.number) : undefined }
  }
  const commit =
    revertedCommit(revert.body) ?? known.commit ?? (await api.pullCommitMessages(revert.number)).map(revertedCommit).find(Boolean)
  if (!commit) return undefined
  const pull = known.byCommit?.get(commit) ?? (await api.pullForCommit(commit))
  return pull ? { number: pull.number, repository: where.repository, source: 'GitHub API', pull, sha: commit } : { commit }
}

/** The reverted pull request, with a hint when the token cannot read it because it is in another repository. */
async function readReverted(number: number, repository: string, where: Where, api: RevertApi): Promise<Pull> {
  const [owner, repo] = repository.split('/')
  try {
    return await api.pull(number, { owner, repo })
  } catch (error) {
    if (!(error instanceof GitHubApiError) || repository.toLowerCase() === where.repository.toLowerCase()) throw error
    throw new GitHubApiError(
      `${error.message}. Pull request ${repository}#${number} is in another repository: the workflow's own token reads only ${where.repository}, so pass a github-token that can read ${repository}`,
      error.status
    )
  }
}

/**
 * What a closed pull request is: a merged revert to file against the change it reverts, or
 * nothing. Asks GitHub for the reverted pull request unless known, and for the revert's commits only
 * when its body and branch name nothing and no commit of it is known.
 */
export async function revertSituation(
  revert: Pull,
  options: RevertOptions,
  where: Where,
  api: RevertApi,
  known: Known = {}
): Promise<Draft | Skip> {
  const url = revert.html_url
  if (!revert.merged_at) return { skip: `Pull request ${url} was closed without being merged: no incident.` }
  const found = await findReverted(revert, where, api, known)
  if (!found)
    return { skip: `Pull request ${url} was merged and reverts nothing: no incident (a merged revert files the change it reverts).` }
  if ('commit' in found) {
    return {
      skip: `Pull request ${url} reverts commit ${found.commit.slice(0, 7)}, which belongs to no pull request: nothing to blame, no incident.`
    }
  }
  if (found.sha && found.number === revert.number) {
    return {
      skip: `Pull request ${url} reverts commit ${found.sha.slice(0, 7)} of its own branch: work undone before the merge, not a change that failed, so no incident.`
    }
  }
  const own = found.repository.toLowerCase() === where.repository.toLowerCase()
  const ref = own ? `#${found.number}` : `${found.repository}#${found.number}`
  if (revert.title.startsWith('Revert "Revert '))
    return { skip: `Pull request ${url} reverts a revert (${ref}): a re-land, not an incident.` }
  const base = revert.base?.ref
  const main = revert.base?.repo?.default_branch
  if (base && main && base !== main && !options.branches?.includes(base)) {
    return {
      skip: `Pull request ${url} reverts ${ref} on ${base}, not the default branch ${main}: no incident (revert-branches: ${base} files reverts there).`
    }
  }
  const reverted = found.pull ?? (await readReverted(found.number, found.repository, where, api))
  if (!reverted.merged_at) return { skip: `Pull request ${url} reverts ${ref}, which was never merged: no change went in, so no incident.` }
  if (isRevert(reverted)) return { skip: `Pull request ${url} reverts ${ref}, itself a revert: a re-land, not an incident.` }

  // The revert's own label wins: whoever reverted judged the failure.
  const severity = severityFromLabels(labelNames(revert.labels))
  const theirs = severity ? undefined : severityFromLabels(labelNames(reverted.labels))
  const problems: Draft['problems'] = []
  if (!severity && !theirs) {
    const message = `Revert ${url} of ${ref} has no severity: add a label such as severity:high, sev1 or P2 to ${ref} (read afresh when the job is re-run), or set severity.`
    if (!options.severityInput && !options.backfill) return { skip: `Not filed. ${message}` }
    problems.push({ field: 'severity', message })
  }
  const by = ` (${ref}) by #${revert.number}`
  // The title is shortened, never the references: they say which change failed.
  const description = `Reverted "${truncate(reverted.title, FIELD_LIMIT - by.length - 'Reverted ""'.length)}"${by}`
  return {
    defaults: {
      prNumber: { value: String(found.number), source: found.source },
      repoUrl: { value: `${where.serverUrl}/${found.repository}`, source: found.source },
      reportedTime: fromApi(new Date(reverted.merged_at)),
      resolutionTime: fromEvent(new Date(revert.merged_at)),
      providerId: fromEvent(revertProviderId(where.repository, revert)),
      description: fromApi(description),
      reportedBy: fromEvent(revert.user?.login),
      severity: severity ? fromEvent(severity) : theirs ? fromApi(theirs) : undefined
    },
    thread: { number: revert.number, kind: 'pull request' },
    problems
  }
}
