// A small awsQuery model that uses every serialization feature the codec handles (flattened lists, maps, blobs, …).
import type { ServiceModel } from '../../src/model/types.js'

export const queryFixtureModel: ServiceModel = {
  name: 'fixture',
  metadata: {
    protocol: 'query',
    apiVersion: '2020-01-01',
    endpointPrefix: 'fixture',
    signingName: 'fixture',
    serviceId: 'Fixture',
    xmlNamespace: 'https://fixture.amazonaws.com/doc/2020-01-01/',
  },
  operations: {
    KitchenSink: {
      name: 'KitchenSink',
      http: { method: 'POST', requestUri: '/' },
      input: { shape: 'KitchenSinkShape' },
      output: { shape: 'KitchenSinkShape', resultWrapper: 'KitchenSinkResult' },
    },
    NoOutput: { name: 'NoOutput', http: { method: 'POST', requestUri: '/' } },
  },
  shapes: {
    KitchenSinkShape: {
      type: 'structure',
      members: {
        Str: { shape: 'String' },
        Int: { shape: 'Integer' },
        Bool: { shape: 'Boolean' },
        Dbl: { shape: 'Double' },
        Time: { shape: 'Timestamp' },
        EpochTime: { shape: 'Timestamp', timestampFormat: 'unixTimestamp' },
        Blob: { shape: 'Blob' },
        List: { shape: 'StringList' },
        Flat: { shape: 'StringList', flattened: true, locationName: 'Item' },
        Named: { shape: 'NamedList' },
        Map: { shape: 'StringMap' },
        FlatMap: { shape: 'StringMap', flattened: true },
        Nested: { shape: 'Nested' },
        Renamed: { shape: 'String', locationName: 'OtherName' },
        Limited: { shape: 'Limited' },
      },
    },
    Nested: { type: 'structure', members: { Inner: { shape: 'String' }, Deeper: { shape: 'Deeper' } } },
    Deeper: { type: 'structure', members: { X: { shape: 'Integer' } }, required: ['X'] },
    StringList: { type: 'list', member: { shape: 'String' } },
    NamedList: { type: 'list', member: { shape: 'String', locationName: 'item' } },
    StringMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    String: { type: 'string' },
    Limited: { type: 'string', max: 3 },
    Integer: { type: 'integer' },
    Boolean: { type: 'boolean' },
    Double: { type: 'double' },
    Timestamp: { type: 'timestamp' },
    Blob: { type: 'blob' },
  },
}
