/**
 * Time bounds in tests. A test asserts behaviour, not speed (speed is the bench's: script/bench.mjs,
 * docs/performance.md). A bound only tells a time-out that cuts from one that hangs, or a linear
 * reader from a quadratic one, so it is generous against the slowest machine CI gets: a loaded
 * 2-core runner, with coverage on.
 */

/**
 * The wall-clock bound of something that takes `expectedMs` (the waits and time-outs it is made
 * of): three times that, plus 10 s for Node, the work itself and a loaded machine.
 */
export const wallBound = (expectedMs: number): number => 3 * expectedMs + 10_000

/**
 * The CPU-time budget of reading hostile input (64 KiB bodies shaped against backtracking): linear
 * readers take 5 to 250 ms of it on a loaded CI machine with coverage on; a quadratic one takes
 * seconds. CPU time, not wall time, so that other processes on a busy machine do not count.
 */
export const LINEAR_CPU_MS = 1000

/** Milliseconds of CPU time `work` takes: the best of three runs. */
export function cpuMs(work: () => void): number {
  let best = Infinity
  for (let run = 0; run < 3; run++) {
    const started = process.cpuUsage()
    work()
    const used = process.cpuUsage(started)
    best = Math.min(best, (used.user + used.system) / 1000)
  }
  return best
}
