// JSON reader that keeps source positions, so a finding can point at the exact text it is about.

/** A point in the raw policy text, in Access Analyzer's Position shape: line from 1, column and offset from 0. */
export interface Position {
  readonly line: number
  readonly column: number
  readonly offset: number
}

export interface Span {
  readonly start: Position
  readonly end: Position
}

export type JsonNode =
  | { readonly kind: 'object'; readonly entries: readonly JsonEntry[]; readonly span: Span }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[]; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'null'; readonly span: Span }

export interface JsonEntry {
  readonly key: string
  readonly keySpan: Span
  readonly value: JsonNode
}

/** Thrown by readJsonSource for text that is not one JSON value; `at` is where reading stopped. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: Position,
  ) {
    super(message)
    this.name = 'JsonSyntaxError'
  }
}

/** Parses `text` as exactly one JSON value (RFC 8259), keeping the span of every value and key. */
export function readJsonSource(text: string): JsonNode {
  const reader = new Reader(text)
  reader.skipWhitespace()
  const value = reader.value()
  reader.skipWhitespace()
  if (!reader.atEnd()) reader.fail('unexpected text after the JSON value')
  return value
}

/** The entry of an object with exactly this key (JSON keys are case-sensitive in policy grammar). */
export function entryOf(node: JsonNode, key: string): JsonEntry | undefined {
  return node.kind === 'object' ? node.entries.find((entry) => entry.key === key) : undefined
}

/** Strings of a value that may be one string or an array of strings; other items are skipped. */
export function stringsOf(node: JsonNode): { value: string; span: Span; index: number | undefined }[] {
  if (node.kind === 'string') return [{ value: node.value, span: node.span, index: undefined }]
  if (node.kind !== 'array') return []
  const found: { value: string; span: Span; index: number | undefined }[] = []
  node.items.forEach((item, index) => {
    if (item.kind === 'string') found.push({ value: item.value, span: item.span, index })
  })
  return found
}

class Reader {
  private offset = 0
  private line = 1
  private lineStart = 0

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.offset >= this.text.length
  }

  position(): Position {
    return { line: this.line, column: this.offset - this.lineStart, offset: this.offset }
  }

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.position())
  }

  skipWhitespace(): void {
    while (!this.atEnd()) {
      const char = this.text[this.offset]
      if (char === '\n') {
        this.offset++
        this.line++
        this.lineStart = this.offset
      } else if (char === ' ' || char === '\t' || char === '\r') {
        this.offset++
      } else {
        return
      }
    }
  }

  value(): JsonNode {
    const char = this.text[this.offset]
    if (char === '{') return this.object()
    if (char === '[') return this.array()
    if (char === '"') {
      const start = this.position()
      const value = this.string()
      return { kind: 'string', value, span: { start, end: this.position() } }
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number()
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.offset)) {
        const start = this.position()
        this.offset += word.length
        return { ...node, span: { start, end: this.position() } } as JsonNode
      }
    }
    return this.fail(this.atEnd() ? 'unexpected end of text' : `unexpected character \`${char}\``)
  }

  private object(): JsonNode {
    const start = this.position()
    this.offset++ // {
    const entries: JsonEntry[] = []
    this.skipWhitespace()
    if (this.text[this.offset] === '}') {
      this.offset++
      return { kind: 'object', entries, span: { start, end: this.position() } }
    }
    for (;;) {
      this.skipWhitespace()
      if (this.text[this.offset] !== '"') this.fail('expected a quoted key')
      const keyStart = this.position()
      const key = this.string()
      const keySpan = { start: keyStart, end: this.position() }
      this.skipWhitespace()
      if (this.text[this.offset] !== ':') this.fail('expected `:` after a key')
      this.offset++
      this.skipWhitespace()
      entries.push({ key, keySpan, value: this.value() })
      this.skipWhitespace()
      const next = this.text[this.offset]
      this.offset++
      if (next === '}') return { kind: 'object', entries, span: { start, end: this.position() } }
      if (next !== ',') {
        this.offset--
        this.fail('expected `,` or `}` in an object')
      }
    }
  }

  private array(): JsonNode {
    const start = this.position()
    this.offset++ // [
    const items: JsonNode[] = []
    this.skipWhitespace()
    if (this.text[this.offset] === ']') {
      this.offset++
      return { kind: 'array', items, span: { start, end: this.position() } }
    }
    for (;;) {
      this.skipWhitespace()
      items.push(this.value())
      this.skipWhitespace()
      const next = this.text[this.offset]
      this.offset++
      if (next === ']') return { kind: 'array', items, span: { start, end: this.position() } }
      if (next !== ',') {
        this.offset--
        this.fail('expected `,` or `]` in an array')
      }
    }
  }

  private string(): string {
    this.offset++ // opening quote
    let value = ''
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string')
      const char = this.text[this.offset] as string
      if (char === '"') {
        this.offset++
        return value
      }
      if (char < ' ') this.fail('control character in a string')
      if (char !== '\\') {
        value += char
        this.offset++
        continue
      }
      const escape = this.text[this.offset + 1]
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
      if (escape !== undefined && simple[escape] !== undefined) {
        value += simple[escape]
        this.offset += 2
      } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))) {
        value += String.fromCharCode(parseInt(this.text.slice(this.offset + 2, this.offset + 6), 16))
        this.offset += 6
      } else {
        this.fail('invalid escape in a string')
      }
    }
  }

  private number(): JsonNode {
    const start = this.position()
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.offset))
    if (!match) this.fail('invalid number')
    this.offset += match[0].length
    return { kind: 'number', value: Number(match[0]), span: { start, end: this.position() } }
  }
}
