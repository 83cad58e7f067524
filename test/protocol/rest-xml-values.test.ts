// XML values by shape, beyond what S3 uses: maps (wrapped and flattened), renamed map keys, namespaces, blobs.
import { describe, expect, it } from 'vitest'
import type { ServiceModel, Shape, StructureShape } from '../../src/model/types.js'
import { readStructure } from '../../src/protocol/rest-xml/read-xml-value.js'
import { renderXmlDocument } from '../../src/protocol/rest-xml/render-xml-node.js'
import { element, writeStructureInto } from '../../src/protocol/rest-xml/write-xml-value.js'
import { parseXml } from '../../src/protocol/xml/xml-reader.js'

const shapes: Record<string, Shape> = {
  String: { type: 'string' },
  Integer: { type: 'integer' },
  Blob: { type: 'blob' },
  Epoch: { type: 'timestamp', timestampFormat: 'unixTimestamp' },
  Labels: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
  Counts: { type: 'map', key: { shape: 'String', locationName: 'Name' }, value: { shape: 'Integer', locationName: 'Count' }, flattened: true },
  Names: { type: 'list', member: { shape: 'String', locationName: 'Name' } },
  Doc: {
    type: 'structure',
    members: {
      Labels: { shape: 'Labels' },
      Counts: { shape: 'Counts', locationName: 'Tally' },
      Names: { shape: 'Names' },
      Items: { shape: 'Names', flattened: true, locationName: 'Item' },
      Data: { shape: 'Blob' },
      At: { shape: 'Epoch' },
      Lang: { shape: 'String', xmlAttribute: true, locationName: 'xml:lang' },
      Nested: { shape: 'Doc', xmlNamespace: { prefix: 'n', uri: 'urn:nested' } },
    },
  },
}
const model: ServiceModel = {
  name: 'fixture',
  metadata: { protocol: 'rest-xml', apiVersion: '2020-01-01', endpointPrefix: 'fixture', signingName: 'fixture', serviceId: 'Fixture' },
  operations: {},
  shapes,
}
const doc = shapes.Doc as StructureShape

function write(value: Record<string, unknown>): string {
  const root = element('Doc', [])
  writeStructureInto(root, value, doc, model)
  return renderXmlDocument(root)
}

describe('XML values by shape', () => {
  const value = {
    Labels: { a: 'x', b: 'y' },
    Counts: { red: 1, blue: 2 },
    Names: ['n1', 'n2'],
    Items: ['i1'],
    Data: Buffer.from('bytes'),
    At: new Date('2024-01-02T03:04:05Z'),
    Lang: 'en',
    Nested: { Names: [] },
  }

  it('writes wrapped and flattened maps and lists, attributes and namespaces', () => {
    expect(write(value)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Doc xml:lang="en">' +
        '<Labels><entry><key>a</key><value>x</value></entry><entry><key>b</key><value>y</value></entry></Labels>' +
        '<Tally><Name>red</Name><Count>1</Count></Tally><Tally><Name>blue</Name><Count>2</Count></Tally>' +
        '<Names><Name>n1</Name><Name>n2</Name></Names><Item>i1</Item>' +
        `<Data>${Buffer.from('bytes').toString('base64')}</Data><At>1704164645</At>` +
        '<Nested xmlns:n="urn:nested"><Names/></Nested></Doc>',
    )
  })

  it('reads back what it writes', () => {
    expect(readStructure(parseXml(write(value)), doc, model)).toEqual(value)
  })
})
