// scopeToKey: a key policy rewritten so that its statements name only their own key. A key policy's `Resource: "*"`
// means "this key"; when one call weighs the policies of two keys together (ReEncrypt), each must apply only to its
// own key, or the source key's policy would grant on the destination.

type Statement = Record<string, unknown>

/** A copy of `document` whose statements apply to `keyArn` alone (statements that can never match it are dropped). */
export function scopeToKey(document: Record<string, unknown>, keyArn: string): Record<string, unknown> {
  const statements = Array.isArray(document.Statement) ? document.Statement as Statement[] : [document.Statement as Statement]
  const scoped = statements.flatMap((statement) => {
    const { Resource, NotResource, ...rest } = statement
    if (Resource !== undefined && !patterns(Resource).some((pattern) => matches(pattern, keyArn))) return []
    if (NotResource !== undefined && patterns(NotResource).some((pattern) => matches(pattern, keyArn))) return []
    return [{ ...rest, Resource: keyArn }]
  })
  return { ...document, Statement: scoped }
}

function patterns(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string')
}

// IAM resource patterns: `*` any run of characters, `?` one character; ARNs compare case-sensitively.
function matches(pattern: string, arn: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${source}$`).test(arn)
}
