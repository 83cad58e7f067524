// A small hand-written restJson1 ServiceModel for the rest-json codec's unit tests: every HTTP binding and payload kind.
import type { ServiceModel } from '../../src/model/types.js'

export const restJsonFixtureModel: ServiceModel = {
  name: 'restfixture',
  metadata: { protocol: 'rest-json', apiVersion: '2020-01-01', endpointPrefix: 'restfixture', signingName: 'restfixture', serviceId: 'RestFixture' },
  operations: {
    GetObject: { name: 'GetObject', http: { method: 'GET', requestUri: '/buckets/{Bucket}/objects/{Key+}?versions' }, input: { shape: 'GetObjectRequest' }, output: { shape: 'GetObjectResponse' } },
    PutConfig: { name: 'PutConfig', http: { method: 'PUT', requestUri: '/things/{Id}/config', responseCode: 201 }, input: { shape: 'PutConfigRequest' }, output: { shape: 'PutConfigResponse' } },
    PutText: { name: 'PutText', http: { method: 'POST', requestUri: '/text' }, input: { shape: 'PutTextRequest' }, output: { shape: 'PutTextResponse' } },
    DeleteThing: { name: 'DeleteThing', http: { method: 'DELETE', requestUri: '/things/{Id}', responseCode: 204 }, input: { shape: 'DeleteThingRequest' } },
    CreateWidget: { name: 'CreateWidget', http: { method: 'POST', requestUri: '/widgets' }, input: { shape: 'CreateWidgetRequest' }, output: { shape: 'CreateWidgetResponse' } },
  },
  shapes: {
    GetObjectRequest: {
      type: 'structure',
      required: ['Bucket', 'Key'],
      members: {
        Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
        Key: { shape: 'String', location: 'uri', locationName: 'Key' },
        VersionId: { shape: 'String', location: 'querystring', locationName: 'versionId' },
        Tags: { shape: 'StringList', location: 'querystring', locationName: 'tag' },
        MaxItems: { shape: 'Integer', location: 'querystring', locationName: 'max-items' },
        Since: { shape: 'Timestamp', location: 'querystring', locationName: 'since' },
        Range: { shape: 'String', location: 'header', locationName: 'Range' },
        IfModifiedSince: { shape: 'Timestamp', location: 'header', locationName: 'If-Modified-Since' },
        Verbose: { shape: 'Boolean', location: 'header', locationName: 'x-verbose' },
        Meta: { shape: 'StringMap', location: 'headers', locationName: 'x-amz-meta-' },
      },
    },
    GetObjectResponse: {
      type: 'structure',
      payload: 'Body',
      members: {
        Body: { shape: 'Blob' },
        ContentType: { shape: 'String', location: 'header', locationName: 'Content-Type' },
        LastModified: { shape: 'Timestamp', location: 'header', locationName: 'Last-Modified' },
        Meta: { shape: 'StringMap', location: 'headers', locationName: 'x-amz-meta-' },
        Status: { shape: 'Integer', location: 'statusCode' },
      },
    },
    PutConfigRequest: {
      type: 'structure',
      payload: 'Config',
      required: ['Id'],
      members: { Id: { shape: 'Integer', location: 'uri', locationName: 'Id' }, Config: { shape: 'Config' } },
    },
    PutConfigResponse: { type: 'structure', payload: 'Config', members: { Config: { shape: 'Config' } } },
    Config: { type: 'structure', members: { Name: { shape: 'String' }, UpdatedAt: { shape: 'Timestamp' }, Limits: { shape: 'IntegerMap' } } },
    PutTextRequest: { type: 'structure', payload: 'Text', members: { Text: { shape: 'String' } } },
    PutTextResponse: { type: 'structure', payload: 'Text', members: { Text: { shape: 'String' } } },
    DeleteThingRequest: { type: 'structure', members: { Id: { shape: 'Integer', location: 'uri', locationName: 'Id' } } },
    CreateWidgetRequest: {
      type: 'structure',
      members: {
        ClientToken: { shape: 'String', location: 'header', locationName: 'x-client-token' },
        Params: { shape: 'StringMap', location: 'querystring' },
        WidgetName: { shape: 'String', locationName: 'widgetName' },
        Sizes: { shape: 'IntegerList', locationName: 'sizes' },
        CreatedAt: { shape: 'IsoTimestamp', locationName: 'createdAt' },
      },
    },
    CreateWidgetResponse: {
      type: 'structure',
      members: {
        WidgetId: { shape: 'String', locationName: 'widgetId' },
        CreatedAt: { shape: 'IsoTimestamp', locationName: 'createdAt' },
        RequestToken: { shape: 'String', location: 'header', locationName: 'x-request-token' },
      },
    },
    ThrottlingException: {
      type: 'structure',
      exception: true,
      error: { httpStatusCode: 429, senderFault: true },
      members: { message: { shape: 'String' }, retryAfterSeconds: { shape: 'Integer', location: 'header', locationName: 'Retry-After' } },
    },
    ResourceNotFoundException: {
      type: 'structure',
      exception: true,
      error: { httpStatusCode: 404, senderFault: true },
      members: { message: { shape: 'String' }, resourceId: { shape: 'String' } },
    },
    String: { type: 'string' },
    StringList: { type: 'list', member: { shape: 'String' } },
    StringMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    Integer: { type: 'integer' },
    IntegerList: { type: 'list', member: { shape: 'Integer' } },
    IntegerMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'Integer' } },
    Boolean: { type: 'boolean' },
    Timestamp: { type: 'timestamp' },
    IsoTimestamp: { type: 'timestamp', timestampFormat: 'iso8601' },
    Blob: { type: 'blob' },
  },
}
