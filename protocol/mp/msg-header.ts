// The <Msg> header of a CCM_POST (part 1, UTF-16 with BOM). Children are written in the order the
// ConfigMgr messaging SDK and the tools validated against real MPs send them (protocol-reference §2.2).
import { escapeXml, type XmlNode } from '../xml.ts';
import { MpProtocolError } from './errors.ts';
import { readFlatMsgHeader } from './msg-header-flat.ts';
import { attr, childText, intOf, optChild, parseRoot } from './xml-read.ts';
import { el, textEl } from './xml-write.ts';

/** Properties of the `Hook2 Name="clientauth"` hook, by their wire names (AuthSenderMachine, PublicKey, …). */
export type ClientAuthProperties = Record<string, string>;

export interface MsgHeader {
  /** Message GUID as sent, braces included: `{5DD100CD-…}`. */
  id: string;
  /** `GUID:<smsid>` of the client; registration messages have none. */
  sourceId?: string;
  sourceHost: string;
  /** `mp:MP_ClientRegistration`, `mp:MP_PolicyManager`, `mp:[http]MP_LocationManager`, … */
  targetAddress: string;
  targetEndpoint: string;
  targetHost: string;
  /** `zlib` when the sender wants a compressed reply. */
  replyCompression?: 'zlib';
  /** Wire text, `yyyy-MM-ddTHH:mm:ssZ` (see formatSentTime). */
  sentTime: string;
  /** Defaults to the all-zero GUID in braces. */
  correlationId?: string;
  /** Byte length of the uncompressed UTF-16 body including its NUL; buildCcmPost fills it in. */
  bodyLength?: number;
  /** Defaults to `direct:<sourceHost>:SccmMessaging`. */
  replyTo?: string;
  /** `Sync` (default) or `Async` (state messages: no reply body). */
  replyMode?: 'Sync' | 'Async';
  /** Milliseconds; default 60000. */
  timeout?: number;
  /** Default 0. */
  priority?: number;
  /** `Hook2 clientauth` properties when the message is signed. */
  clientAuth?: ClientAuthProperties;
  /** True when the header carries `Hook3 Name="zlib-compress"`; buildCcmPost sets it from `compress`. */
  compressed?: boolean;
}

export const ZERO_CORRELATION_ID = '{00000000-0000-0000-0000-000000000000}';

/** The last second formatted: consecutive messages (a client's requests, an MP's replies) mostly share one. */
let sentSecond = Number.NaN;
let sentText = '';

/** `yyyy-MM-ddTHH:mm:ssZ`, the SentTime / TimeStamp style of ConfigMgr messaging. */
export function formatSentTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== sentSecond) {
    sentText = `${new Date(ms).toISOString().slice(0, 19)}Z`;
    sentSecond = second;
  }
  return sentText;
}

export function buildMsgHeaderXml(h: MsgHeader): string {
  let hooks = '';
  if (h.clientAuth) {
    let props = '';
    for (const [name, value] of Object.entries(h.clientAuth))
      props += el('Property', [['Name', name]], escapeXml(value));
    hooks += el('Hook2', [['Name', 'clientauth']], props);
  }
  if (h.compressed) hooks += el('Hook3', [['Name', 'zlib-compress']]);
  return el(
    'Msg',
    [
      ['ReplyCompression', h.replyCompression],
      ['SchemaVersion', '1.1'],
    ],
    el('Body', [
      ['Type', 'ByteRange'],
      ['Length', h.bodyLength ?? 0],
      ['Offset', 0],
    ]) +
      textEl('CorrelationID', h.correlationId ?? ZERO_CORRELATION_ID) +
      (hooks ? el('Hooks', [], hooks) : '') +
      textEl('ID', h.id) +
      el('Payload', [['Type', 'inline']]) +
      textEl('Priority', h.priority ?? 0) +
      textEl('Protocol', 'http') +
      textEl('ReplyMode', h.replyMode ?? 'Sync') +
      textEl('ReplyTo', h.replyTo ?? `direct:${h.sourceHost}:SccmMessaging`) +
      textEl('SentTime', h.sentTime) +
      (h.sourceId === undefined ? '' : textEl('SourceID', h.sourceId)) +
      textEl('SourceHost', h.sourceHost) +
      textEl('TargetAddress', h.targetAddress) +
      textEl('TargetEndpoint', h.targetEndpoint) +
      textEl('TargetHost', h.targetHost) +
      textEl('Timeout', h.timeout ?? 60000),
  );
}

const HEADER_ARRAYS = new Set(['Property']);

const text = childText;

function required(node: XmlNode, name: string): string {
  const value = text(node, name);
  if (value === undefined) throw new MpProtocolError(`Msg header: missing <${name}>`, 'shape');
  return value;
}

export function parseMsgHeaderXml(xml: string): MsgHeader {
  // The flat form senders write takes the quick reader; anything else the general one (same result).
  const msg = readFlatMsgHeader(xml) ?? parseRoot(xml, 'Msg', HEADER_ARRAYS);
  const body = optChild(msg, 'Body');
  const hooks = optChild(msg, 'Hooks');
  const header: MsgHeader = {
    id: required(msg, 'ID'),
    sourceHost: text(msg, 'SourceHost') ?? '',
    targetAddress: required(msg, 'TargetAddress'),
    targetEndpoint: text(msg, 'TargetEndpoint') ?? '',
    targetHost: text(msg, 'TargetHost') ?? '',
    sentTime: text(msg, 'SentTime') ?? '',
    compressed: hooks.Hook3 !== undefined && attr(optChild(hooks, 'Hook3'), 'Name') === 'zlib-compress',
  };
  const sourceId = text(msg, 'SourceID');
  if (sourceId !== undefined) header.sourceId = sourceId;
  if (attr(msg, 'ReplyCompression') === 'zlib') header.replyCompression = 'zlib';
  const correlationId = text(msg, 'CorrelationID');
  if (correlationId !== undefined) header.correlationId = correlationId;
  const length = attr(body, 'Length');
  if (length !== undefined) header.bodyLength = intOf(length, 'Msg/Body@Length');
  const replyTo = text(msg, 'ReplyTo');
  if (replyTo !== undefined) header.replyTo = replyTo;
  const replyMode = text(msg, 'ReplyMode');
  if (replyMode === 'Sync' || replyMode === 'Async') header.replyMode = replyMode;
  const timeout = text(msg, 'Timeout');
  if (timeout !== undefined && timeout !== '') header.timeout = intOf(timeout, 'Msg/Timeout');
  const priority = text(msg, 'Priority');
  if (priority !== undefined && priority !== '') header.priority = intOf(priority, 'Msg/Priority');
  const hook2 = optChild(hooks, 'Hook2');
  if (attr(hook2, 'Name') === 'clientauth') {
    const props: ClientAuthProperties = {};
    for (const p of (hook2.Property as XmlNode[] | undefined) ?? []) {
      const name = attr(p, 'Name');
      if (name !== undefined) props[name] = String(p['#text'] ?? '');
    }
    header.clientAuth = props;
  }
  return header;
}
