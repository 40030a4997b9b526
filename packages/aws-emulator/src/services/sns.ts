/**
 * Amazon SNS (awsQuery 2010-03-31): CreateTopic and Publish, written from the SNS API Reference.
 *
 * - CreateTopic is idempotent: the same name (and attributes) returns the same ARN; a FIFO topic's
 *   name ends in `.fifo` and has `FifoTopic=true`. Names: 1-256 letters, digits, `-` and `_`.
 * - Publish to a topic that does not exist is `NotFound` (404, "Topic does not exist"), to a topic of
 *   another region than the endpoint's `InvalidParameter` ("Invalid parameter: TopicArn"); `Message` is
 *   required and at most 256 KB; `Subject` is at most 100 printable ASCII characters without line
 *   breaks (InvalidParameter otherwise). Published messages are kept in the state (`published`)
 *   for tests to read: `emu.state.sns.published`.
 * - Denied callers get `AuthorizationError` (403), SNS's own code.
 *
 * World: `sns.topics: [name | { name, region?, attributes?: Record<string,string> }]`.
 */
import { AwsError } from '../framework/errors.js';
import { asList, optionalString, requireString } from '../framework/params.js';
import { defineService, type ServiceRequest } from '../framework/service.js';
import type { World } from '../types.js';

/** A topic in the world (seed). */
export interface SnsTopicSeed {
  name: string;
  region?: string;
  attributes?: Record<string, string>;
}

/** A topic as the emulator keeps it. */
export interface SnsTopic {
  arn: string;
  name: string;
  region: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

/** A message published to a topic. */
export interface SnsPublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  messageStructure?: string;
  messageGroupId?: string;
  /** Access key of the publisher. */
  publishedBy: string;
  /** Emulated epoch ms. */
  at: number;
}

/** SNS state: topics by ARN, and every published message in order. */
export interface SnsState {
  topics: Map<string, SnsTopic>;
  published: SnsPublishedMessage[];
}

/** Largest message: 256 KB (SNS Publish reference). */
const MAX_MESSAGE_BYTES = 262_144;

function invalidParameter(what: string, reason?: string): AwsError {
  return new AwsError(
    'InvalidParameter',
    `Invalid parameter: ${what}${reason ? ` Reason: ${reason}` : ''}`,
    400,
  );
}

function topicArn(accountId: string, region: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}

function validateTopicName(name: string, fifo: boolean): void {
  const base = fifo ? name.replace(/\.fifo$/, '') : name;
  if (name.length > 256 || !/^[A-Za-z0-9_-]+$/.test(base) || (fifo && !name.endsWith('.fifo'))) {
    throw invalidParameter('Topic Name', fifo ? 'FIFO topic names must end with .fifo' : undefined);
  }
  if (!fifo && name.endsWith('.fifo')) throw invalidParameter('Topic Name');
}

/** `Attributes.entry.N.key/value` arrives as a map; tolerate a list of {key,value} too. */
function attributeMap(value: unknown): Record<string, string> {
  if (value === undefined || value === '' || value === null) return {};
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const e of value as Array<{ key?: string; value?: string }>)
      if (e.key) out[e.key] = String(e.value ?? '');
    return out;
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
  }
  return {};
}

function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? '') !== (b[k] ?? '')) return false;
  return true;
}

function createTopic({ input, state, region, accountId }: ServiceRequest<SnsState>): unknown {
  const name = requireString(input, 'Name', 'InvalidParameter');
  const attributes = attributeMap(input.Attributes);
  const fifo = attributes.FifoTopic === 'true';
  validateTopicName(name, fifo);
  const tags: Record<string, string> = {};
  for (const tag of asList<{ Key?: string; Value?: string }>(input.Tags)) {
    if (!tag.Key) throw invalidParameter('Tags', 'Tag keys must be non-empty');
    tags[tag.Key] = tag.Value ?? '';
  }
  const arn = topicArn(accountId, region, name);
  const existing = state.topics.get(arn);
  if (existing) {
    if (!sameAttributes(existing.attributes, attributes) && Object.keys(attributes).length > 0) {
      throw invalidParameter('Attributes', 'Topic already exists with different attributes');
    }
    Object.assign(existing.tags, tags);
    return { TopicArn: arn };
  }
  state.topics.set(arn, { arn, name, region, attributes, tags });
  return { TopicArn: arn };
}

function publish({ input, state, caller, clock, random, region }: ServiceRequest<SnsState>): unknown {
  const target = optionalString(input, 'TopicArn') ?? optionalString(input, 'TargetArn');
  if (!target) {
    if (optionalString(input, 'PhoneNumber')) throw invalidParameter('PhoneNumber', 'SMS is not emulated');
    throw invalidParameter('TopicArn or TargetArn', 'One of the parameters must be specified');
  }
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(target))
    throw invalidParameter('TopicArn');
  // A topic of another region, sent to this region's endpoint: "Invalid parameter: TopicArn" (boto/boto3#646).
  if (target.split(':')[3] !== region)
    throw invalidParameter(input.TopicArn === undefined ? 'TargetArn' : 'TopicArn');
  const message = input.Message;
  if (typeof message !== 'string' || message === '') {
    throw invalidParameter('Message', 'Empty message');
  }
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    throw invalidParameter('Message too long');
  }
  const subject = optionalString(input, 'Subject');
  if (subject !== undefined) {
    // ASCII text beginning with a letter, number or punctuation; no line breaks or control characters; < 100.
    if (subject.length === 0 || subject.length > 100 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject)) {
      throw invalidParameter('Subject');
    }
  }
  const topic = state.topics.get(target);
  if (!topic) throw new AwsError('NotFound', 'Topic does not exist', 404);
  const fifo = topic.attributes.FifoTopic === 'true';
  const messageGroupId = optionalString(input, 'MessageGroupId');
  if (fifo && !messageGroupId) {
    throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
  }
  const messageId = random.uuid();
  const messageStructure = optionalString(input, 'MessageStructure');
  state.published.push({
    messageId,
    topicArn: target,
    ...(subject !== undefined ? { subject } : {}),
    message,
    ...(messageStructure ? { messageStructure } : {}),
    ...(messageGroupId ? { messageGroupId } : {}),
    publishedBy: caller.accessKeyId,
    at: clock.now(),
  });
  return fifo
    ? { MessageId: messageId, SequenceNumber: String(state.published.length).padStart(20, '0') }
    : { MessageId: messageId };
}

function seedTopics(world: World, accountId: string, defaultRegion: string): Map<string, SnsTopic> {
  const seeds = ((world.sns as { topics?: Array<string | SnsTopicSeed> } | undefined)?.topics ?? []) as Array<
    string | SnsTopicSeed
  >;
  const out = new Map<string, SnsTopic>();
  for (const seed of seeds) {
    const s = typeof seed === 'string' ? { name: seed } : seed;
    const region = s.region ?? defaultRegion;
    const arn = topicArn(accountId, region, s.name);
    out.set(arn, { arn, name: s.name, region, attributes: { ...s.attributes }, tags: {} });
  }
  return out;
}

/** The SNS module. */
export const sns = defineService<SnsState>({
  signingName: 'sns',
  protocol: { kind: 'query', version: '2010-03-31', xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/' },
  errors: {
    accessDenied: { code: 'AuthorizationError', status: 403 },
    throttling: { code: 'Throttled', status: 429 },
  },
  createState: (world, { accountId, region }) => ({
    topics: seedTopics(world, accountId, region),
    published: [],
  }),
  operations: {
    CreateTopic: {
      mutating: true,
      logInput: ['Name'],
      resource: (input, request) => topicArn(request.accountId, request.region, String(input.Name ?? '*')),
      handler: createTopic,
    },
    Publish: {
      mutating: true,
      // Never the message itself: it may be long, and the log keeps key inputs only.
      logInput: ['TopicArn', 'TargetArn', 'Subject'],
      resource: (input) => String(input.TopicArn ?? input.TargetArn ?? '*'),
      handler: publish,
    },
  },
});
