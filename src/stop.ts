/**
 * A request to stop: a cancel (the runner sends SIGINT, then SIGTERM), a rate-limit stop or a fatal
 * error. Nothing new is sent after it; what is in flight is waited for and recorded first.
 */
import * as core from '@actions/core'

export class Stop {
  private why?: string
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (!this.why) core.info(`Received ${signal}: sending nothing more, recording what is in flight.`)
    this.request(`the run was cancelled (${signal})`)
  }

  /** Why the run stops, once it must. */
  get reason(): string | undefined {
    return this.why
  }

  request(why: string): void {
    this.why ??= why
  }

  /** Catches SIGINT and SIGTERM until dispose, so that a cancel cannot cut a send from its record. */
  listen(): this {
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
    return this
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
  }
}
