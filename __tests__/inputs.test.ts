import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { readInputs, INPUT_NAMES } = await import('../src/inputs.js')

beforeEach(() => {
  for (const key of Object.keys(core.inputs)) delete core.inputs[key]
  jest.clearAllMocks()
  delete process.env.HIVEL_API_TOKEN
})

describe('inputs.ts: reading the inputs', () => {
  it('reads every declared input once, keeping only the ones set', () => {
    Object.assign(core.inputs, { severity: ' high ', description: '   ', 'pr-number': '#4' })
    expect(readInputs()).toEqual({ severity: ' high ', 'pr-number': '#4' })
    expect(core.getInput.mock.calls.map(([name]) => name)).toEqual([...INPUT_NAMES])
  })

  it('registers both tokens as secrets before logging, and logs neither', () => {
    Object.assign(core.inputs, { 'api-token': ' tok3n ', 'github-token': 'ghs_1' })
    readInputs()
    expect(core.setSecret.mock.calls.map(([s]) => s)).toEqual([' tok3n ', 'tok3n', 'ghs_1'])
    const firstDebug = core.debug.mock.invocationCallOrder[0]
    expect(Math.max(...core.setSecret.mock.invocationCallOrder)).toBeLessThan(firstDebug)
    const logged = core.debug.mock.calls.map(([m]) => m).join('\n')
    expect(logged).toContain('api-token: (set)')
    expect(logged).not.toContain('tok3n')
    expect(logged).not.toContain('ghs_1')
  })

  it('falls back to HIVEL_API_TOKEN, and masks it too', () => {
    process.env.HIVEL_API_TOKEN = 'from-env'
    expect(readInputs()['api-token']).toBe('from-env')
    expect(core.setSecret).toHaveBeenCalledWith('from-env')
  })
})

describe('inputs.ts: a token pasted with its scheme word', () => {
  it.each(['Bearer', 'token', 'BEARER'])('notes a leading %s, masks the token without it, and never shows the token', word => {
    Object.assign(core.inputs, { 'api-token': `${word} hvl_tok3n` })
    readInputs()
    expect(core.setSecret).toHaveBeenCalledWith('hvl_tok3n')
    expect(core.notice).toHaveBeenCalledWith(
      `api-token starts with the word "${word}", which is not part of the token: it was removed. auth-header: bearer sends the token as "Authorization: Bearer <token>".`,
      core.titled
    )
    expect(Math.max(...core.setSecret.mock.invocationCallOrder)).toBeLessThan(core.notice.mock.invocationCallOrder[0])
  })

  it('says nothing of a token without one', () => {
    Object.assign(core.inputs, { 'api-token': 'hvl_tok3n' })
    readInputs()
    expect(core.notice).not.toHaveBeenCalled()
  })
})

describe('inputs.ts: a base-url with a user name and password', () => {
  it.each(['https://alice:hunter2@app.hivel.ai', 'https://alice:hunter2@app.hivel.ai:port/x'])('is logged without them: %s', url => {
    Object.assign(core.inputs, { 'base-url': url })
    readInputs()
    const logged = core.debug.mock.calls.map(([m]) => m).join('\n')
    expect(logged).toContain('base-url: "https://***@app.hivel.ai')
    expect(logged).not.toMatch(/alice|hunter2/)
  })
})
