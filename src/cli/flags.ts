// Flag parsing shared by the `palisade trail …` commands: `--name value`, `--name=value`, and switches (`--json`).
// A usage mistake throws UsageError, which the command prints with a pointer to its --help and exit code 2.

export class UsageError extends Error {}

export interface Flags {
  /** The value of each flag that takes one (the last, if given twice). */
  readonly values: ReadonlyMap<string, string>
  /** The switches given. */
  readonly switches: ReadonlySet<string>
}

/** Reads `args` against the flags that take a value (`valued`) and those that do not (`switches`). */
export function readFlags(args: readonly string[], spec: { readonly valued: readonly string[]; readonly switches: readonly string[] }): Flags {
  const values = new Map<string, string>()
  const switches = new Set<string>()
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!match) throw new UsageError(`unexpected argument \`${arg}\``)
    const [, name, inline] = match as unknown as [string, string, string | undefined]
    if (spec.switches.includes(name)) {
      switches.add(name)
      continue
    }
    if (!spec.valued.includes(name)) throw new UsageError(`unknown flag \`--${name}\``)
    const value = inline ?? args[++index]
    if (value === undefined || value === '') throw new UsageError(`\`--${name}\` needs a value`)
    values.set(name, value)
  }
  return { values, switches }
}
