/** A typed stand-in for @actions/core: inputs from a plain map, every call recorded. */
import { expect, jest } from '@jest/globals'
import type * as core from '@actions/core'

/** Inputs the mocked getInput answers from, by input name. */
export const inputs: Record<string, string> = {}

export const getInput = jest.fn<typeof core.getInput>((name: string) => inputs[name] ?? '')
export const setSecret = jest.fn<typeof core.setSecret>()
export const setOutput = jest.fn<typeof core.setOutput>()
export const debug = jest.fn<typeof core.debug>()
export const info = jest.fn<typeof core.info>()
export const notice = jest.fn<typeof core.notice>()
export const warning = jest.fn<typeof core.warning>()
export const error = jest.fn<typeof core.error>()
/** Exit codes, as @actions/core numbers them. */
export const ExitCode = { Success: 0, Failure: 1 } as typeof core.ExitCode
export const startGroup = jest.fn<typeof core.startGroup>()
export const endGroup = jest.fn<typeof core.endGroup>()

/** The summary builder, collecting what was written. */
export const written: string[] = []
export const summary = {
  addRaw(text: string) {
    written.push(text)
    return summary
  },
  write: jest.fn(async () => summary),
  emptyBuffer() {
    return summary
  }
}

/** The outputs set so far, by name (the last value of each). */
export const outputs = (): Record<string, unknown> => Object.fromEntries(setOutput.mock.calls.map(([k, v]) => [k, v]))

/** Before each test: no calls, no summary written, no inputs. */
export function reset(): void {
  jest.clearAllMocks()
  written.length = 0
  for (const key of Object.keys(inputs)) delete inputs[key]
}

/** The properties every annotation carries: a title (issue 21, item 8). */
export const titled = expect.objectContaining({ title: expect.stringMatching(/\S/) })

/** The messages the step failed with: its errors titled "Hivel step failed…" (what core.setFailed would have said). */
export const failures = (): string[] =>
  error.mock.calls.filter(([, props]) => props?.title?.startsWith('Hivel step failed')).map(([message]) => String(message))
