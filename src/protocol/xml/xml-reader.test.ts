import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseXml, XmlSyntaxError } from './xml-reader.js'

describe('parseXml', () => {
  it('reads elements, attributes, prefixes and text', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee>' +
        '</AccessControlPolicy>',
    )
    expect(root.name).toBe('AccessControlPolicy')
    expect(root.attributes).toEqual({ xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' })
    const grantee = root.children[0]!
    expect(grantee.attributes['xsi:type']).toBe('CanonicalUser')
    expect(grantee.children[0]).toMatchObject({ name: 'ID', localName: 'ID', text: 'abc' })
  })

  it('keeps the local name apart from a prefix', () => {
    expect(parseXml('<s3:Tagging xmlns:s3="urn:x"/>')).toMatchObject({ name: 's3:Tagging', localName: 'Tagging' })
  })

  it('decodes predefined entities, character references and CDATA, keeping whitespace', () => {
    const root = parseXml('<V>  a &amp; b &lt;c&gt; &quot;&apos; &#233;&#x1F600; <![CDATA[<raw & text>]]> </V>')
    expect(root.text).toBe('  a & b <c> "\' é😀 <raw & text> ')
  })

  it('skips comments and processing instructions', () => {
    const root = parseXml('<!-- before --><A><!-- inside --><?pi x?><B>1</B></A><!-- after -->')
    expect(root.children.map((child) => child.name)).toEqual(['B'])
  })

  it('reads a UTF-8 buffer with a byte order mark', () => {
    expect(parseXml(Buffer.from('\uFEFF<K>clé</K>')).text).toBe('clé')
  })

  it.each([
    { name: 'an empty document', xml: '' },
    { name: 'text only', xml: 'hello' },
    { name: 'an unclosed element', xml: '<A><B></B>' },
    { name: 'mismatched end tag', xml: '<A></B>' },
    { name: 'two root elements', xml: '<A/><B/>' },
    { name: 'text after the root', xml: '<A/>tail' },
    { name: 'a DOCTYPE', xml: '<!DOCTYPE A [<!ENTITY x "y">]><A>&x;</A>' },
    { name: 'an unknown entity', xml: '<A>&nbsp;</A>' },
    { name: 'a bare ampersand', xml: '<A>a & b</A>' },
    { name: 'a reference to a non-character', xml: '<A>&#0;</A>' },
    { name: 'a duplicate attribute', xml: '<A x="1" x="2"/>' },
    { name: 'an unquoted attribute', xml: '<A x=1/>' },
    { name: 'attributes without a space', xml: '<A x="1"y="2"/>' },
    { name: 'a control character', xml: '<A>\u0001</A>' },
    { name: 'an unterminated comment', xml: '<A><!-- </A>' },
    { name: 'an unterminated CDATA section', xml: '<A><![CDATA[ </A>' },
    { name: ']]> in text', xml: '<A>]]></A>' },
  ])('rejects $name', ({ xml }) => {
    expect(() => parseXml(xml)).toThrow(XmlSyntaxError)
  })

  it('rejects bytes that are not UTF-8', () => {
    expect(() => parseXml(Buffer.from([0x3c, 0x41, 0x3e, 0xff, 0x3c, 0x2f, 0x41, 0x3e]))).toThrow(XmlSyntaxError)
  })

  it('refuses nesting deeper than the limit without exhausting the stack', () => {
    const deep = '<A>'.repeat(100_000) + '</A>'.repeat(100_000)
    expect(() => parseXml(deep)).toThrow(/nest deeper than 100/)
    expect(parseXml('<A>'.repeat(50) + '</A>'.repeat(50), { maxDepth: 50 }).name).toBe('A')
  })

  it('throws only XmlSyntaxError for arbitrary input', () => {
    const pieces = fc.constantFrom('<', '>', '/', '=', '"', "'", '&', ';', '#', 'x', 'A', ' ', '!', '?', '[', ']', '-', 'CDATA', '&amp;', '<A>', '</A>')
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        try {
          parseXml(parts.join(''))
        } catch (error) {
          if (!(error instanceof XmlSyntaxError)) throw error
        }
      }),
      { numRuns: 2000 },
    )
  })
})
