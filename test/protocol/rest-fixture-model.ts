// A small hand-written REST service model for the shared binding tests: S3-like routes on shared paths.
import type { OperationModel, ServiceModel, Shape } from '../../src/model/types.js'

const operations: Record<string, OperationModel> = {
  ListBuckets: { name: 'ListBuckets', http: { method: 'GET', requestUri: '/' } },
  ListObjects: { name: 'ListObjects', http: { method: 'GET', requestUri: '/{Bucket}' }, input: { shape: 'BucketInput' } },
  ListObjectsV2: { name: 'ListObjectsV2', http: { method: 'GET', requestUri: '/{Bucket}?list-type=2' }, input: { shape: 'ListInput' } },
  GetBucketTagging: { name: 'GetBucketTagging', http: { method: 'GET', requestUri: '/{Bucket}?tagging' }, input: { shape: 'BucketInput' } },
  GetBucketLifecycle: { name: 'GetBucketLifecycle', http: { method: 'GET', requestUri: '/{Bucket}?lifecycle' }, input: { shape: 'BucketInput' } },
  GetBucketLifecycleConfiguration: { name: 'GetBucketLifecycleConfiguration', http: { method: 'GET', requestUri: '/{Bucket}?lifecycle' }, input: { shape: 'BucketInput' } },
  GetObject: { name: 'GetObject', http: { method: 'GET', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'ObjectInput' } },
  ListParts: { name: 'ListParts', http: { method: 'GET', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'PartsInput' } },
  PutObject: { name: 'PutObject', http: { method: 'PUT', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'ObjectInput' } },
  CopyObject: { name: 'CopyObject', http: { method: 'PUT', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'CopyInput' } },
  UploadPart: { name: 'UploadPart', http: { method: 'PUT', requestUri: '/{Bucket}/{Key+}' }, input: { shape: 'UploadPartInput' } },
  SpecialThing: { name: 'SpecialThing', http: { method: 'GET', requestUri: '/things/special' } },
  GetThing: { name: 'GetThing', http: { method: 'GET', requestUri: '/things/{Id}' }, input: { shape: 'ThingInput' } },
  Select: { name: 'Select', http: { method: 'POST', requestUri: '/{Bucket}/{Key+}?select&select-type=2' }, input: { shape: 'ObjectInput' } },
}

const shapes: Record<string, Shape> = {
  String: { type: 'string' },
  Integer: { type: 'integer' },
  Long: { type: 'long' },
  Double: { type: 'double' },
  Boolean: { type: 'boolean' },
  Timestamp: { type: 'timestamp' },
  IsoTimestamp: { type: 'timestamp', timestampFormat: 'iso8601' },
  Blob: { type: 'blob' },
  StringList: { type: 'list', member: { shape: 'String' } },
  IntegerList: { type: 'list', member: { shape: 'Integer' } },
  TimestampList: { type: 'list', member: { shape: 'Timestamp' } },
  Metadata: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
  QueryParams: { type: 'map', key: { shape: 'String' }, value: { shape: 'StringList' } },
  BucketInput: {
    type: 'structure',
    required: ['Bucket'],
    members: { Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' } },
  },
  ListInput: {
    type: 'structure',
    required: ['Bucket'],
    members: {
      Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
      Prefix: { shape: 'String', location: 'querystring', locationName: 'prefix' },
      MaxKeys: { shape: 'Integer', location: 'querystring', locationName: 'max-keys' },
      FetchOwner: { shape: 'Boolean', location: 'querystring', locationName: 'fetch-owner' },
      Ids: { shape: 'IntegerList', location: 'querystring', locationName: 'id' },
      Since: { shape: 'Timestamp', location: 'querystring', locationName: 'since' },
      Rest: { shape: 'QueryParams', location: 'querystring' },
    },
  },
  ObjectInput: {
    type: 'structure',
    required: ['Bucket', 'Key'],
    payload: 'Body',
    members: {
      Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
      Key: { shape: 'String', location: 'uri', locationName: 'Key' },
      Metadata: { shape: 'Metadata', location: 'headers', locationName: 'x-amz-meta-' },
      IfModifiedSince: { shape: 'Timestamp', location: 'header', locationName: 'If-Modified-Since' },
      Expires: { shape: 'IsoTimestamp', location: 'header', locationName: 'x-expires-iso' },
      ContentLength: { shape: 'Long', location: 'header', locationName: 'Content-Length' },
      Bypass: { shape: 'Boolean', location: 'header', locationName: 'x-amz-bypass' },
      Ratio: { shape: 'Double', location: 'header', locationName: 'x-ratio' },
      Tags: { shape: 'StringList', location: 'header', locationName: 'x-tags' },
      Dates: { shape: 'TimestampList', location: 'header', locationName: 'x-dates' },
      Checksum: { shape: 'Blob', location: 'header', locationName: 'x-checksum' },
      Document: { shape: 'String', location: 'header', locationName: 'x-document', jsonvalue: true },
      Status: { shape: 'Integer', location: 'statusCode' },
      Body: { shape: 'Blob', streaming: true },
    },
  },
  PartsInput: {
    type: 'structure',
    required: ['Bucket', 'Key', 'UploadId'],
    members: {
      Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
      Key: { shape: 'String', location: 'uri', locationName: 'Key' },
      UploadId: { shape: 'String', location: 'querystring', locationName: 'uploadId' },
    },
  },
  CopyInput: {
    type: 'structure',
    required: ['Bucket', 'Key', 'CopySource'],
    members: {
      Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
      Key: { shape: 'String', location: 'uri', locationName: 'Key' },
      CopySource: { shape: 'String', location: 'header', locationName: 'x-amz-copy-source' },
    },
  },
  UploadPartInput: {
    type: 'structure',
    required: ['Bucket', 'Key', 'PartNumber', 'UploadId'],
    members: {
      Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
      Key: { shape: 'String', location: 'uri', locationName: 'Key' },
      PartNumber: { shape: 'Integer', location: 'querystring', locationName: 'partNumber' },
      UploadId: { shape: 'String', location: 'querystring', locationName: 'uploadId' },
    },
  },
  ThingInput: {
    type: 'structure',
    required: ['Id'],
    members: { Id: { shape: 'Integer', location: 'uri', locationName: 'Id' } },
  },
}

export const restFixtureModel: ServiceModel = {
  name: 'fixture',
  metadata: { protocol: 'rest-xml', apiVersion: '2006-03-01', endpointPrefix: 'fixture', signingName: 'fixture', serviceId: 'Fixture' },
  operations,
  shapes,
}
