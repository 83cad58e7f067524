// parseXml: a small, strict XML reader for request bodies (no DTDs, no external entities, bounded depth).

/** One element of a parsed document. Names keep their prefix; `localName` drops it. */
export interface XmlElement {
  readonly name: string
  readonly localName: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: readonly XmlElement[]
  /** The character data directly inside this element (CDATA included), concatenated, entities decoded. */
  readonly text: string
}

/** The document is not well-formed XML (or uses a feature we refuse, such as a DOCTYPE). */
export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`)
    this.name = 'XmlSyntaxError'
  }
}

export interface XmlReadLimits {
  /** Deepest element nesting accepted; deeper documents are refused instead of exhausting memory. */
  readonly maxDepth?: number
}

const DEFAULT_MAX_DEPTH = 100
const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9._:\u00B7\u00C0-\uFFFF]*/y
const SPACE = /[ \t\r\n]*/y
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/**
 * Parses a whole document and returns its root element. A DOCTYPE is refused outright: request bodies never need
 * one, and refusing it rules out entity-expansion and external-entity attacks.
 */
export function parseXml(document: string | Uint8Array, limits: XmlReadLimits = {}): XmlElement {
  const text = typeof document === 'string' ? document : decodeUtf8(document)
  return new XmlReader(text, limits.maxDepth ?? DEFAULT_MAX_DEPTH).readDocument()
}

interface OpenElement {
  readonly name: string
  readonly attributes: Record<string, string>
  readonly children: XmlElement[]
  text: string
}

class XmlReader {
  private at = 0

  constructor(private readonly source: string, private readonly maxDepth: number) {}

  readDocument(): XmlElement {
    if (this.source.charCodeAt(0) === 0xfeff) this.at = 1
    if (this.source.startsWith('<?xml', this.at)) this.skipProcessingInstruction()
    this.skipMisc()
    if (this.source[this.at] !== '<') this.fail('expected the root element')
    const root = this.readElement()
    this.skipMisc()
    if (this.at < this.source.length) this.fail('unexpected content after the root element')
    return root
  }

  // Iterative, so a deeply nested document cannot overflow the call stack.
  private readElement(): XmlElement {
    const stack: OpenElement[] = []
    for (;;) {
      const open = this.readStartTag()
      if (open.selfClosing) {
        const element = finish(open.element)
        const parent = stack.at(-1)
        if (!parent) return element
        parent.children.push(element)
      } else {
        if (stack.length >= this.maxDepth) this.fail(`elements nest deeper than ${this.maxDepth}`)
        stack.push(open.element)
      }
      // Read content until the next start tag, or close elements while end tags follow.
      for (;;) {
        const current = stack.at(-1)
        if (!current) this.fail('unbalanced elements')
        current.text += this.readCharacterData()
        if (this.at >= this.source.length) this.fail(`unclosed element <${current.name}>`)
        if (this.source.startsWith('</', this.at)) {
          this.readEndTag(current.name)
          stack.pop()
          const element = finish(current)
          const parent = stack.at(-1)
          if (!parent) return element
          parent.children.push(element)
          continue
        }
        if (this.source.startsWith('<!--', this.at)) {
          this.skipComment()
          continue
        }
        if (this.source.startsWith('<![CDATA[', this.at)) {
          current.text += this.readCdata()
          continue
        }
        if (this.source.startsWith('<?', this.at)) {
          this.skipProcessingInstruction()
          continue
        }
        if (this.source.startsWith('<!', this.at)) this.fail('markup declarations are not allowed')
        break
      }
    }
  }

  private readStartTag(): { element: OpenElement; selfClosing: boolean } {
    this.expect('<')
    const name = this.readName()
    const attributes: Record<string, string> = Object.create(null)
    for (;;) {
      const spaced = this.skipSpace()
      if (this.source.startsWith('/>', this.at)) {
        this.at += 2
        return { element: { name, attributes, children: [], text: '' }, selfClosing: true }
      }
      if (this.source[this.at] === '>') {
        this.at += 1
        return { element: { name, attributes, children: [], text: '' }, selfClosing: false }
      }
      if (!spaced) this.fail(`malformed start tag <${name}>`)
      const attribute = this.readName()
      this.skipSpace()
      this.expect('=')
      this.skipSpace()
      const value = this.readAttributeValue()
      if (attribute in attributes) this.fail(`duplicate attribute ${attribute}`)
      attributes[attribute] = value
    }
  }

  private readEndTag(expected: string): void {
    this.at += 2
    const name = this.readName()
    if (name !== expected) this.fail(`end tag </${name}> does not match <${expected}>`)
    this.skipSpace()
    this.expect('>')
  }

  private readAttributeValue(): string {
    const quote = this.source[this.at]
    if (quote !== '"' && quote !== "'") this.fail('expected a quoted attribute value')
    const end = this.source.indexOf(quote, this.at + 1)
    if (end === -1) this.fail('unterminated attribute value')
    const raw = this.source.slice(this.at + 1, end)
    if (raw.includes('<')) this.fail('`<` in an attribute value')
    const value = this.decodeEntities(raw, this.at + 1)
    this.at = end + 1
    // XML 1.0 §3.3.3: literal whitespace characters in attribute values normalize to spaces.
    return value.replace(/[\t\r\n]/g, ' ')
  }

  private readCharacterData(): string {
    const end = this.source.indexOf('<', this.at)
    const stop = end === -1 ? this.source.length : end
    const raw = this.source.slice(this.at, stop)
    if (raw.includes(']]>')) this.fail('`]]>` in character data')
    const text = this.decodeEntities(raw, this.at)
    this.at = stop
    return text
  }

  private readCdata(): string {
    const start = this.at + '<![CDATA['.length
    const end = this.source.indexOf(']]>', start)
    if (end === -1) this.fail('unterminated CDATA section')
    this.at = end + 3
    return this.source.slice(start, end)
  }

  private decodeEntities(raw: string, offset: number): string {
    if (!raw.includes('&')) return checkCharacters(raw, offset)
    let out = ''
    let from = 0
    for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', from)) {
      out += raw.slice(from, amp)
      const semicolon = raw.indexOf(';', amp)
      if (semicolon === -1) this.fail('unterminated entity reference', offset + amp)
      out += this.resolveEntity(raw.slice(amp + 1, semicolon), offset + amp)
      from = semicolon + 1
    }
    return checkCharacters(out + raw.slice(from), offset)
  }

  private resolveEntity(entity: string, offset: number): string {
    const predefined = PREDEFINED_ENTITIES[entity]
    if (predefined !== undefined) return predefined
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(entity)
    if (!numeric) this.fail(`unknown entity &${entity};`, offset)
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2])
    if (!isXmlCharacter(code)) this.fail(`character reference &${entity}; is not an XML character`, offset)
    return String.fromCodePoint(code)
  }

  private readName(): string {
    NAME.lastIndex = this.at
    const match = NAME.exec(this.source)
    if (!match) this.fail('expected a name')
    this.at += match[0].length
    return match[0]
  }

  /** Skips whitespace, comments and processing instructions outside the root element. */
  private skipMisc(): void {
    for (;;) {
      this.skipSpace()
      if (this.source.startsWith('<!--', this.at)) this.skipComment()
      else if (this.source.startsWith('<?', this.at)) this.skipProcessingInstruction()
      else if (this.source.startsWith('<!', this.at)) this.fail('DOCTYPE and markup declarations are not allowed')
      else return
    }
  }

  private skipComment(): void {
    const end = this.source.indexOf('-->', this.at + 4)
    if (end === -1) this.fail('unterminated comment')
    this.at = end + 3
  }

  private skipProcessingInstruction(): void {
    const end = this.source.indexOf('?>', this.at + 2)
    if (end === -1) this.fail('unterminated processing instruction')
    this.at = end + 2
  }

  private skipSpace(): boolean {
    SPACE.lastIndex = this.at
    const length = SPACE.exec(this.source)?.[0].length ?? 0
    this.at += length
    return length > 0
  }

  private expect(char: string): void {
    if (this.source[this.at] !== char) this.fail(`expected \`${char}\``)
    this.at += 1
  }

  private fail(message: string, offset = this.at): never {
    throw new XmlSyntaxError(message, offset)
  }
}

function finish(open: OpenElement): XmlElement {
  const colon = open.name.indexOf(':')
  return {
    name: open.name,
    localName: colon === -1 ? open.name : open.name.slice(colon + 1),
    attributes: open.attributes,
    children: open.children,
    text: open.text,
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw new XmlSyntaxError('the document is not valid UTF-8', 0)
  }
}

// XML 1.0 §2.2 Char: tab, newline, carriage return, and everything from space up except surrogates and U+FFFE/U+FFFF.
function isXmlCharacter(code: number): boolean {
  if (code === 0x9 || code === 0xa || code === 0xd) return true
  if (code < 0x20) return false
  if (code >= 0xd800 && code <= 0xdfff) return false
  return code !== 0xfffe && code !== 0xffff && code <= 0x10ffff
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/

function checkCharacters(text: string, offset: number): string {
  const bad = FORBIDDEN_CHARACTERS.exec(text)
  if (bad) throw new XmlSyntaxError('control character in the document', offset + bad.index)
  return text
}
