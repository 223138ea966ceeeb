/** The action's entry point: nothing run() lets escape may end the step as an unhandled rejection. */
import { fail } from './log.js'
import { run } from './main.js'

run().catch((error: unknown) => fail(`The action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`))
