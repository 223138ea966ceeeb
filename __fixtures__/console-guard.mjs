/**
 * Loaded before every test file (jest.config.js, setupFilesAfterEnv). Code run in-process with the
 * real @actions/core writes its workflow commands (::debug::, ::warning::, …) straight to stdout,
 * where they reach the console of `npm test` as raw lines among the results. Such a line is held
 * back here, and the file that wrote it fails, naming it: mock @actions/core there instead
 * (__fixtures__/core.ts) and assert on the calls.
 */
import { afterAll } from '@jest/globals'

/** A line that starts with a workflow command, as @actions/core writes them. */
const COMMAND = /^::[a-z][\w-]*( [^\n]*?)?::/

const held = /** @type {string[]} */ ([])
const { stdout } = process
const write = stdout.write

stdout.write = /** @type {typeof stdout.write} */ (
  function (/** @type {string | Uint8Array} */ chunk, /** @type {any[]} */ ...rest) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const lines = text.split('\n')
    const commands = lines.filter(line => COMMAND.test(line))
    if (!commands.length) return write.call(stdout, chunk, ...rest)
    held.push(...commands)
    const others = lines.filter(line => !COMMAND.test(line)).join('\n')
    if (others.trim()) write.call(stdout, others)
    const done = rest.find(arg => typeof arg === 'function')
    if (done) process.nextTick(done)
    return true
  }
)

afterAll(() => {
  stdout.write = write
  if (!held.length) return
  const shown = held.slice(0, 5).map(line => `  ${line.slice(0, 200)}`)
  throw new Error(
    [
      `This test file wrote ${held.length} workflow command${held.length === 1 ? '' : 's'} to the console:`,
      ...shown,
      ...(held.length > 5 ? [`  … and ${held.length - 5} more`] : []),
      "Mock @actions/core (jest.unstable_mockModule('@actions/core', () => import('../__fixtures__/core.js'))) and assert on its calls."
    ].join('\n')
  )
})
