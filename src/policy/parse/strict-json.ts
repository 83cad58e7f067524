// parseStrictJson: JSON.parse that also rejects duplicate object keys (JSON.parse keeps the last one silently).

/** Thrown for text that is not JSON or repeats a key inside one object. */
export class StrictJsonError extends Error {}

/**
 * Parses JSON text like JSON.parse, but throws StrictJsonError when an object repeats a key, because a policy whose
 * second `"Effect"` silently replaces the first would not mean what its author sees.
 */
export function parseStrictJson(text: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new StrictJsonError((error as Error).message)
  }
  // JSON.parse validated the grammar; a second pass over the text looks for repeated keys only.
  findDuplicateKeys(text)
  return value
}

/**
 * The size IAM counts against its policy limits: every character except white space outside strings
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export function policySizeWithoutWhitespace(text: string): number {
  let size = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      size++
      if (c === 0x5c /* \ */) {
        i++
        size++
      } else if (c === 0x22 /* " */) inString = false
    } else if (c === 0x22) {
      inString = true
      size++
    } else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      size++
    }
  }
  return size
}

// INVARIANT: `text` is valid JSON (JSON.parse accepted it), so the scanner only tracks nesting, strings and keys.
function findDuplicateKeys(text: string): void {
  const stack: (Set<string> | null)[] = [] // a Set per open object, null per open array
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '{') {
      stack.push(new Set())
      expectKey = true
    } else if (c === '[') {
      stack.push(null)
      expectKey = false
    } else if (c === '}' || c === ']') {
      stack.pop()
      expectKey = false
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] instanceof Set
    } else if (c === '"') {
      const start = i
      i++
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
      if (expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string
        const keys = stack[stack.length - 1] as Set<string>
        if (keys.has(key)) throw new StrictJsonError(`duplicate key \`${key}\``)
        keys.add(key)
        expectKey = false
      }
    }
  }
}
