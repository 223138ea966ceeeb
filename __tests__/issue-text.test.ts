/** issue-text.ts: a misspelt severity is found, and reading a body costs time in proportion to its length, whatever it holds. */
import { describe, expect, it } from '@jest/globals'
import { cpuMs, LINEAR_CPU_MS } from '../__fixtures__/bounds.js'
import { pullRequestFromBody, severityFromBody, severityFromLabels, systemsFromBody } from '../src/issue-text.js'
import { severityProblem } from '../src/schema.js'

/** GitHub's limit for an issue body. */
const BODY_LIMIT = 65_536

/** `head`, then `unit` repeated, then `tail`, to exactly GitHub's limit. */
const body = (head: string, unit: string, tail = '') => {
  const room = BODY_LIMIT - head.length - tail.length
  return head + unit.repeat(Math.ceil(room / unit.length)).slice(0, room) + tail
}

/** Bodies shaped to make backtracking regular expressions try every split of a long run. */
const HOSTILE: [string, string][] = [
  ['"caused by" and spaces', body('caused by', ' ', 'x')],
  ['"caused by:" and spaces', body('caused by:', ' ', '\u2028')],
  ['"caused by PR" and spaces', body('Caused by PR', ' ', 'x')],
  ['"caused by" repeated', body('', 'caused by ')],
  ['"caused by" and a hyphenated word', body('caused by ', 'a-')],
  ['hashes', body('', '#')],
  ['a heading of hashes and spaces', body('# ', '# ', 'x')],
  ['a heading then spaces', body('### Severity', ' ', '#')],
  ['a heading of tabs', body('#', '\t', '\u2028')],
  ['asterisks', body('', '*')],
  ['asterisks and spaces', body('', '* ')],
  ['hyphens', body('', '-')],
  ['quote marks and hyphens', body('', '> - ')],
  ['colons', body('', ':')],
  ['spaces', body('', ' ', 'x')],
  ['a name then spaces', body('Severity', ' ', 'x')],
  ['a name, a colon, spaces and a line separator', body('Severity:', ' ', '\u2028')],
  ['a bold name then spaces', body('**Pull request**', ' ', '*')],
  ['words and spaces without a colon', body('', 'a ')],
  ['"PR" repeated', body('', 'PR')],
  ['"PR " repeated', body('', 'PR ')],
  ['a hyphenated word', body('', 'a-')],
  ['owner/ and a hyphenated word', body('acme/', 'a-')],
  ['owner/repo and dots', body('acme/', 'a.')],
  ['a pull request field of a hyphenated word', body('### Pull request\n\n', 'a-')],
  ['a PR line of a hyphenated word', body('PR: ', 'a-')],
  ['"#1" repeated', body('', '#1')],
  ['digits after a hash', body('#', '1', 'a')],
  ['a URL scheme then letters', body('https://', 'a')],
  ['a URL host then a hyphenated path', body('https://github.com/', 'a-')],
  ['a URL with many path segments', body('https://github.com/', 'a/')],
  ['URL schemes repeated', body('', 'https://')],
  ['a URL then "pull/" repeated', body('https://github.com/acme/shop/', 'pull/')],
  ['many short lines', body('', 'Severity:\n')],
  ['many headings', body('', '### \n')]
]

describe('issue-text.ts: hostile issue bodies', () => {
  it.each(HOSTILE)(`reads a ${BODY_LIMIT}-character body of %s in linear time`, (_shape, text) => {
    expect(text).toHaveLength(BODY_LIMIT)
    const used = cpuMs(() => {
      severityFromBody(text)
      systemsFromBody(text)
      pullRequestFromBody(text)
    })
    expect(used).toBeLessThan(LINEAR_CPU_MS)
  })
})

describe('issue-text.ts: a misspelt severity in an issue', () => {
  // situations/issue.ts reports it as a problem with the issue, as the severity input is one.
  it.each([
    ['a label', severityFromLabels(['incident', 'severity:hgih'])],
    ['a "Severity:" line', severityFromBody('Checkout down.\n\nSeverity: hgih')],
    ['an issue form', severityFromBody('### Severity\n\nhgih')]
  ])('is read as given from %s, and severityProblem names the word meant', (_where, severity) => {
    expect(severity).toBe('hgih')
    expect(severityProblem(severity ?? '')).toBe('"hgih" looks like a misspelt severity: did you mean high?')
  })
})

describe('issue-text.ts: severity words in an issue', () => {
  it.each([
    ['a "severity: high" label', severityFromLabels(['incident', 'severity: high']), 'high'],
    ['a "severity: minor" label', severityFromLabels(['severity: minor']), 'low'],
    ['a "severity: high" line', severityFromBody('Checkout down.\n\nseverity: high'), 'high'],
    ['a bold value', severityFromBody('**Severity:** **hi**'), 'high'],
    ['a word then more', severityFromBody('Severity: major outage of checkout'), 'high'],
    ['an issue form', severityFromBody('### Severity\n\nMed'), 'medium'],
    ['a word of its own', severityFromBody('Severity: hint'), 'hint']
  ])('reads %s', (_where, read, level) => {
    expect(read).toBe(level)
  })
})
