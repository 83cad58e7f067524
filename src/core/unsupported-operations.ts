// Operations a service's model has but Palisade does not answer yet: each returns AWS's 501 NotImplemented.
import { NotImplementedError } from './common-errors.js'
import type { OperationContext } from './operation.js'

type Unsupported = (input: unknown, ctx: OperationContext) => Promise<never>

/** Handlers for `operations` of `service` that reject with NotImplemented; the README's gap table lists them. */
export function unsupportedOperations<const Names extends string>(service: string, operations: readonly Names[]): Record<Names, Unsupported> {
  const handlers = {} as Record<Names, Unsupported>
  for (const operation of operations) {
    handlers[operation] = async () => {
      throw new NotImplementedError(`Palisade does not support ${service}:${operation} yet.`)
    }
  }
  return handlers
}
