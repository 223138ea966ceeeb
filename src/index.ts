/** The action's entry point: nothing run() lets escape may end the step as an unhandled rejection. */
import * as core from '@actions/core'
import { run } from './main.js'

run().catch((error: unknown) => core.setFailed(`The action failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`))
