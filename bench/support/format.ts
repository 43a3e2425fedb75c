import { cpus, freemem, totalmem } from 'node:os'

/** `a / b` as `0.42×`, or `n/a` when the baseline is zero. */
export const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a')

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`

export const us = (milliseconds: number): string => `${(milliseconds * 1000).toFixed(0)} µs`

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`

/** The machine a run happened on, for the header of `npm run bench` and BENCHMARKS.md. */
export const machine = (): string[] => {
  const all = cpus()
  return [
    `machine: ${all[0]?.model.trim() ?? 'unknown CPU'}, ${all.length} cores, ${mib(totalmem())} memory (${mib(freemem())} free)`,
    `runtime: Node.js ${process.version} on ${process.platform}/${process.arch}`,
  ]
}
