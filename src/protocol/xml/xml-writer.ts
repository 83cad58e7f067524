// XmlWriter: builds an XML document as a string, escaping text and attributes, for every XML-speaking codec.

/** Attribute values are written in insertion order; undefined values are skipped. */
export type XmlAttributes = Readonly<Record<string, string | undefined>>

export class XmlWriter {
  // One string appended to (V8 joins the pieces lazily) rather than an array of parts joined at the end.
  private out: string
  private readonly open: string[] = []

  /** Starts with `<?xml version="1.0" encoding="UTF-8"?>` unless `declaration` is false. */
  constructor(declaration = true) {
    this.out = declaration ? '<?xml version="1.0" encoding="UTF-8"?>' : ''
  }

  /** Opens `<name …>`; close it with `end()`. */
  start(name: string, attributes?: XmlAttributes): this {
    this.out += `<${name}${renderAttributes(attributes)}>`
    this.open.push(name)
    return this
  }

  /** Closes the innermost open element. */
  end(): this {
    const name = this.open.pop()
    if (name === undefined) throw new Error('xml writer: end() without an open element')
    this.out += `</${name}>`
    return this
  }

  /** Writes `<name>text</name>`; an empty string gives `<name></name>`, which AWS's parsers read as ''. */
  element(name: string, text: string, attributes?: XmlAttributes): this {
    this.out += `<${name}${renderAttributes(attributes)}>${escapeXmlText(text)}</${name}>`
    return this
  }

  /** Writes `<name/>`. */
  empty(name: string, attributes?: XmlAttributes): this {
    this.out += `<${name}${renderAttributes(attributes)}/>`
    return this
  }

  /** Writes escaped character data inside the open element. */
  text(text: string): this {
    this.out += escapeXmlText(text)
    return this
  }

  /** The document so far; throws if an element is still open, because that would be a bug in the caller. */
  toString(): string {
    if (this.open.length > 0) throw new Error(`xml writer: unclosed element \`${this.open.at(-1)}\``)
    return this.out
  }
}

// XML 1.0 cannot carry most C0 controls, even as character references (https://www.w3.org/TR/xml/#charsets);
// they become U+FFFD so that a stray byte in stored data never makes the whole response unparseable.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g
const TEXT_SPECIAL = /[&<>\r\u0085\u2028\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/
const ATTRIBUTE_SPECIAL = /[&<>"\r\n\t\u0085\u2028\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/

/**
 * Escapes character data. `\r` is written as `&#xD;` because XML parsers otherwise normalize it to `\n`
 * (https://www.w3.org/TR/xml/#sec-line-ends), and NEL/LS likewise, as the AWS SDKs' own XML builders do.
 */
export function escapeXmlText(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;')
    .replace(/\u0085/g, '&#x85;')
    .replace(/\u2028/g, '&#x2028;')
}

/** Escapes an attribute value (double-quoted); tabs and newlines are kept as references so they survive normalization. */
export function escapeXmlAttribute(text: string): string {
  if (!ATTRIBUTE_SPECIAL.test(text)) return text
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;')
}

function renderAttributes(attributes: XmlAttributes | undefined): string {
  if (!attributes) return ''
  let out = ''
  for (const name in attributes) {
    const value = attributes[name]
    if (value !== undefined) out += ` ${name}="${escapeXmlAttribute(value)}"`
  }
  return out
}
