/**
 * A stand-in of the GitHub Git database endpoints the ledger uses (refs/hivel/incidents and its one
 * file), shared by the GitHub API stand-ins: refs move only as a fast-forward, as GitHub's do.
 */

/**
 * A Git database of one repository's refs outside the branches, as GitHub's Git database API keeps
 * it: trees and commits by sha, and refs that move only as a fast-forward (422 otherwise).
 * @typedef {{ trees: Map<string, string>, commits: Map<string, { tree: string, parents: string[], message: string }>, refs: Map<string, string> }} GitData
 */

let shaCount = 0
const newSha = () => (++shaCount).toString(16).padStart(40, '0')

/** @returns {GitData} */
export function gitData() {
  return { trees: new Map(), commits: new Map(), refs: new Map() }
}

/**
 * Commits text as the ledger's one file on refs/hivel/incidents of git.
 * @param {GitData} git
 * @param {string} text
 */
export function commitLedger(git, text) {
  const tree = newSha()
  git.trees.set(tree, text)
  const commit = newSha()
  const parent = git.refs.get('refs/hivel/incidents')
  git.commits.set(commit, { tree, parents: parent ? [parent] : [], message: 'seeded' })
  git.refs.set('refs/hivel/incidents', commit)
}

/**
 * Whether ancestor is reachable from sha through parents.
 * @param {GitData} git
 * @param {string} sha
 * @param {string} ancestor
 */
function descends(git, sha, ancestor) {
  for (const seen = new Set(), todo = [sha]; todo.length;) {
    const at = /** @type {string} */ (todo.pop())
    if (at === ancestor) return true
    if (seen.has(at)) continue
    seen.add(at)
    todo.push(...(git.commits.get(at)?.parents ?? []))
  }
  return false
}

/**
 * The ledger the stand-in holds, parsed; undefined when there is none.
 * @param {GitData} git
 */
export function ledgerOf(git) {
  const text = git.trees.get(git.commits.get(git.refs.get('refs/hivel/incidents') ?? '')?.tree ?? '')
  return text === undefined ? undefined : JSON.parse(text)
}

/**
 * The Git database endpoints the ledger uses; undefined for any other path.
 * @param {GitData} git
 * @param {import('./stand-in.mjs').Received} req
 * @param {string} tail
 * @param {URL} url
 * @returns {[number, unknown, Record<string, string>?] | undefined}
 */
export function gitDatabase(git, req, tail, url) {
  const ref = 'refs/hivel/incidents'
  if (tail === '/git/ref/hivel/incidents' && req.method === 'GET') {
    const sha = git.refs.get(ref)
    return sha ? [200, { ref, object: { sha, type: 'commit' } }] : [404, { message: 'Not Found' }]
  }
  if (tail === '/contents/incidents.json' && req.method === 'GET') {
    const text = git.trees.get(git.commits.get(url.searchParams.get('ref') ?? '')?.tree ?? '')
    if (text === undefined) return [404, { message: 'Not Found' }]
    // The raw media type answers the file's text itself.
    return /raw/.test(String(req.headers.accept))
      ? [200, text, { 'Content-Type': 'application/vnd.github.raw; charset=utf-8' }]
      : [200, { content: Buffer.from(text).toString('base64') }]
  }
  if (tail === '/git/trees' && req.method === 'POST') {
    const sha = newSha()
    git.trees.set(sha, req.json.tree[0].content)
    return [201, { sha }]
  }
  if (tail === '/git/commits' && req.method === 'POST') {
    const sha = newSha()
    git.commits.set(sha, { tree: req.json.tree, parents: req.json.parents, message: req.json.message })
    return [201, { sha }]
  }
  if (tail === '/git/refs' && req.method === 'POST') {
    if (git.refs.has(req.json.ref)) return [422, { message: 'Reference already exists' }]
    git.refs.set(req.json.ref, req.json.sha)
    return [201, { ref: req.json.ref, object: { sha: req.json.sha } }]
  }
  if (tail === '/git/refs/hivel/incidents' && req.method === 'PATCH') {
    const now = git.refs.get(ref)
    if (!now) return [422, { message: 'Reference does not exist' }]
    if (!req.json.force && !descends(git, req.json.sha, now)) return [422, { message: 'Update is not a fast forward' }]
    git.refs.set(ref, req.json.sha)
    return [200, { ref, object: { sha: req.json.sha } }]
  }
  return undefined
}
