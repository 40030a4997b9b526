/**
 * The codec of each protocol kind.
 */
import type { ProtocolSpec } from '../framework/service.js';
import type { Codec } from './codec.js';
import { ec2Codec } from './ec2-query.js';
import { jsonCodec } from './json.js';
import { queryCodec } from './query.js';
import { rawCodec } from './raw.js';
import { restJsonCodec } from './rest-json.js';
import { restXmlCodec } from './rest-xml.js';

/** Codecs by protocol kind. */
export const codecs: Record<ProtocolSpec['kind'], Codec> = {
  query: queryCodec,
  ec2: ec2Codec,
  json: jsonCodec,
  restXml: restXmlCodec,
  restJson: restJsonCodec,
  raw: rawCodec,
};
