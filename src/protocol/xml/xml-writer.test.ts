import { describe, expect, it } from 'vitest'
import { escapeXmlAttribute, escapeXmlText, XmlWriter } from './xml-writer.js'

describe('XmlWriter', () => {
  it('writes nested elements with a declaration and attributes', () => {
    const xml = new XmlWriter()
      .start('ListUsersResponse', { xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/' })
      .start('ListUsersResult')
      .element('IsTruncated', 'false')
      .empty('Users')
      .end()
      .end()
      .toString()
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">' +
        '<ListUsersResult><IsTruncated>false</IsTruncated><Users/></ListUsersResult></ListUsersResponse>',
    )
  })

  it('refuses to finish with an element still open', () => {
    expect(() => new XmlWriter(false).start('a').toString()).toThrow(/unclosed element `a`/)
  })

  it('refuses to close more elements than it opened', () => {
    expect(() => new XmlWriter(false).end()).toThrow()
  })
})

describe('escapeXmlText', () => {
  it.each([
    { name: 'markup characters', text: 'a<b>&c', escaped: 'a&lt;b&gt;&amp;c' },
    { name: 'carriage returns, which parsers would turn into newlines', text: 'a\r\nb', escaped: 'a&#xD;\nb' },
    { name: 'quotes, which text does not need escaped', text: `"it's"`, escaped: `"it's"` },
    { name: 'control characters XML cannot carry', text: 'a\u0001b', escaped: 'a\uFFFDb' },
    { name: 'a policy document', text: '{"Effect":"Allow"}', escaped: '{"Effect":"Allow"}' },
  ])('$name', ({ text, escaped }) => {
    expect(escapeXmlText(text)).toBe(escaped)
  })

  it('escapes quotes and whitespace in attributes', () => {
    expect(escapeXmlAttribute('a "b"\n\tc&')).toBe('a &quot;b&quot;&#xA;&#x9;c&amp;')
  })
})
