// codecFor: the one codec instance per wire protocol.
import type { Protocol, ServiceModel } from '../model/types.js'
import type { Codec } from './codec.js'
import { ec2Codec } from './ec2/ec2-codec.js'
import { jsonCodec } from './json/json-codec.js'
import { queryCodec } from './query/query-codec.js'
import { restJsonCodec } from './rest-json/rest-json-codec.js'
import { restXmlCodec } from './rest-xml/rest-xml-codec.js'

const CODECS: Readonly<Record<Protocol, Codec>> = {
  query: queryCodec,
  ec2: ec2Codec,
  json: jsonCodec,
  'rest-json': restJsonCodec,
  'rest-xml': restXmlCodec,
}

export function codecFor(service: ServiceModel): Codec {
  return CODECS[service.metadata.protocol]
}
