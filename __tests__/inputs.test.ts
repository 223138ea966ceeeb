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
