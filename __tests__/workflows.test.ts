/** The repository's own CI: it runs what .ci/run runs, and runs the action on every kind of runner. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

interface Step {
  id?: string
  uses?: string
  run?: string
  shell?: string
}
interface Job {
  'runs-on': string
  strategy?: { matrix?: { os?: string[] } }
  defaults?: { run?: { shell?: string } }
  steps: Step[]
}

const ci = parse(readFileSync(new URL('../.github/workflows/ci.yml', import.meta.url), 'utf8')) as { jobs: Record<string, Job> }
const jobs = Object.entries(ci.jobs)

describe('.github/workflows/ci.yml', () => {
  // One script for both, so a check added to .ci/run (the size budget was missing here) runs in CI too.
  it('runs .ci/run, so CI runs every check a contributor runs', () => {
    const runners = jobs.filter(([, job]) => job.steps.some(step => step.run?.trim() === 'bash .ci/run'))
    expect(runners.map(([name, job]) => [name, job['runs-on']])).toEqual([['check', 'ubuntu-latest']])
  })

  it('runs the action on Linux, Windows and macOS, and every command there names its shell', () => {
    const running = jobs.filter(([, job]) => job.steps.some(step => step.uses === './'))
    expect(running.map(([name]) => name)).toEqual(['dry-run', 'stand-in'])
    for (const [name, job] of running) {
      expect([name, job['runs-on'], job.strategy?.matrix?.os]).toEqual([
        name,
        '${{ matrix.os }}',
        ['ubuntu-latest', 'windows-latest', 'macos-latest']
      ])
      // Windows runs a step without `shell:` in PowerShell, where $VAR and POSIX tools mean something else.
      const unnamed = job.steps.filter(step => step.run !== undefined && !(step.shell ?? job.defaults?.run?.shell))
      expect([name, unnamed.map(step => step.id)]).toEqual([name, []])
    }
  })
})
