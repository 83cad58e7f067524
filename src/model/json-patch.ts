// A small RFC 6902 (JSON Patch) applier for src/model/patches/<service>.json (https://www.rfc-editor.org/rfc/rfc6902).

export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  readonly path: string
  readonly from?: string
  readonly value?: unknown
}

/** Applies `patch` to a deep copy of `document` and returns it; throws on a failed `test` or a missing path. */
export function applyJsonPatch<T>(document: T, patch: readonly PatchOperation[]): T {
  let root = structuredClone(document) as unknown
  for (const [index, operation] of patch.entries()) {
    const where = `patch[${index}] ${operation.op} ${operation.path}`
    switch (operation.op) {
      case 'add':
        root = addValue(root, parsePointer(operation.path), structuredClone(operation.value), where)
        break
      case 'remove':
        root = removeValue(root, parsePointer(operation.path), where).root
        break
      case 'replace':
        root = removeValue(root, parsePointer(operation.path), where).root
        root = addValue(root, parsePointer(operation.path), structuredClone(operation.value), where)
        break
      case 'move': {
        const removed = removeValue(root, parsePointer(requireFrom(operation, where)), where)
        root = addValue(removed.root, parsePointer(operation.path), removed.value, where)
        break
      }
      case 'copy':
        root = addValue(root, parsePointer(operation.path), structuredClone(getValue(root, parsePointer(requireFrom(operation, where)), where)), where)
        break
      case 'test':
        if (JSON.stringify(getValue(root, parsePointer(operation.path), where)) !== JSON.stringify(operation.value)) {
          throw new Error(`${where}: test failed`)
        }
        break
      default:
        throw new Error(`${where}: unknown op`)
    }
  }
  return root as T
}

/** RFC 6901 pointer → tokens (`~1` is `/`, `~0` is `~`). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer \`${pointer}\``)
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function requireFrom(operation: PatchOperation, where: string): string {
  if (operation.from === undefined) throw new Error(`${where}: missing from`)
  return operation.from
}

function getValue(root: unknown, tokens: readonly string[], where: string): unknown {
  let node = root
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[arrayIndex(node, token, false, where)]
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token]
    else throw new Error(`${where}: path not found`)
  }
  return node
}

function addValue(root: unknown, tokens: readonly string[], value: unknown, where: string): unknown {
  if (tokens.length === 0) return value
  const parent = getValue(root, tokens.slice(0, -1), where)
  const last = tokens.at(-1)!
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true, where), 0, value)
  else if (isObject(parent)) parent[last] = value
  else throw new Error(`${where}: parent is not a container`)
  return root
}

function removeValue(root: unknown, tokens: readonly string[], where: string): { root: unknown; value: unknown } {
  if (tokens.length === 0) return { root: undefined, value: root }
  const parent = getValue(root, tokens.slice(0, -1), where)
  const last = tokens.at(-1)!
  if (Array.isArray(parent)) {
    const [value] = parent.splice(arrayIndex(parent, last, false, where), 1)
    return { root, value }
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) {
    const value = parent[last]
    delete parent[last]
    return { root, value }
  }
  throw new Error(`${where}: path not found`)
}

function arrayIndex(array: readonly unknown[], token: string, forAdd: boolean, where: string): number {
  if (forAdd && token === '-') return array.length
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`${where}: bad array index \`${token}\``)
  const index = Number(token)
  if (index > array.length || (!forAdd && index === array.length)) throw new Error(`${where}: index out of range`)
  return index
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
