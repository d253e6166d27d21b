import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { parseSourcesConfig, type SourceConfig } from '../config/sources-config.js';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { type PrepareResult, prepareEvent } from './prepare-event.js';

const NOW_MS = 1_760_000_000_000;
const NOW = NOW_MS / 1000;
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function sources(): Map<string, SourceConfig> {
  const result = parseSourcesConfig(
    `
sources:
  # The generic scheme before it signed the event id, as a custom scheme: the id header is
  # optional, so the fallbacks below it are reachable.
  - name: generic
    provider: custom
    scheme: &legacy
      algorithm: sha256
      encoding: hex
      signature: { headers: [x-signature], prefix: 'sha256=' }
      timestamp: { from: 'header:x-timestamp' }
      content: '{timestamp}.{body}'
      tolerance: { seconds: 300 }
      id: ['header:x-event-id']
      type: ['body:type']
    secrets: [GENERIC_SECRET]
    eventIdPaths: [meta.id]
    entity: { id: data.id, status: data.status }
    statuses: { ranks: { pending: 1, done: 2 }, terminal: [done] }
  - name: hashed
    provider: custom
    scheme: *legacy
    secrets: [GENERIC_SECRET]
    dedupe: { contentHash: true }
  - name: sw
    provider: standard-webhooks
    secrets: [SW_SECRET]
  - name: windowed
    provider: custom
    scheme: *legacy
    secrets: [GENERIC_SECRET]
    eventTypePath: meta.kind
    dedupe: { contentHash: true, windowSeconds: 60 }
`,
    { GENERIC_SECRET: 'topsecret', SW_SECRET },
  );
  if (!result.ok) throw new Error(result.problems.join());
  return result.config.sources as Map<string, SourceConfig>;
}

const signLegacy = (raw: Buffer) => createHmac('sha256', 'topsecret').update(`${NOW}.`).update(raw).digest('hex');

function generic(body: string, headers: Record<string, string> = {}) {
  const raw = Buffer.from(body);
  return {
    headers: {
      'x-timestamp': String(NOW),
      'x-signature': `sha256=${signLegacy(raw)}`,
      'content-type': 'application/json',
      authorization: 'Bearer nope',
      ...headers,
    },
    rawBody: raw,
    receivedAt: NOW_MS,
  };
}

const source = (name: string) => sources().get(name) as SourceConfig;

function eventOf(result: PrepareResult) {
  if (!result.ok || result.kind !== 'event') throw new Error(`not an event: ${JSON.stringify(result)}`);
  return result.event;
}

describe('prepareEvent', () => {
  it('extracts id, type, entity and status, and keeps the raw body byte-exact', () => {
    const body = '{ "type": "job.updated", "data": {"id": "job_1", "status": "pending"} }';
    const result = prepareEvent(source('generic'), generic(body, { 'x-event-id': 'evt_9' }));
    expect(result).toMatchObject({
      ok: true,
      event: {
        source: 'generic',
        eventId: 'evt_9',
        eventType: 'job.updated',
        entityId: 'job_1',
        status: 'pending',
        rawBody: body,
      },
    });
  });

  it('drops signature and credential headers from what it stores', () => {
    const result = prepareEvent(source('generic'), generic('{"meta":{"id":"e"}}'));
    expect(eventOf(result).headers).toEqual({ 'x-timestamp': String(NOW), 'content-type': 'application/json' });
  });

  it('drops api keys, proxy copies of the requested URL and any value holding a token from what it stores', () => {
    const result = prepareEvent(
      source('generic'),
      generic('{"meta":{"id":"e"}}', {
        apikey: 'k1',
        'x-api-key': 'k2',
        api_key: 'k3',
        'x-original-uri': '/webhooks/generic?token=abc',
        'x-forwarded-uri': '/webhooks/generic',
        'x-envoy-original-path': '/webhooks/generic?x=1',
        'x-trace': 'span=1; token=abc',
        referer: 'https://example.com/?access_key=abc',
        'x-request-id': 'req-1',
        'user-agent': 'sender/1.0',
      }),
    );
    expect(eventOf(result).headers).toEqual({
      'x-timestamp': String(NOW),
      'content-type': 'application/json',
      'x-request-id': 'req-1',
      'user-agent': 'sender/1.0',
    });
  });

  it('falls back to the configured body path for the event id', () => {
    const result = prepareEvent(source('generic'), generic('{"meta":{"id":"from-body"}}'));
    expect(eventOf(result).eventId).toBe('from-body');
  });

  it('uses a SHA-256 of the raw body when the source opts in', () => {
    const a = prepareEvent(source('hashed'), generic('{"a":1}'));
    const b = prepareEvent(source('hashed'), generic('{"a":2}'));
    expect(eventOf(a).eventId).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(eventOf(a).eventId).not.toBe(eventOf(b).eventId);
  });

  it('mixes the time window into a content hash, so identical bodies collapse only within one window', () => {
    const at = (receivedAt: number) => eventOf(prepareEvent(source('windowed'), { ...generic('{"a":1}'), receivedAt })).eventId;
    // A 60 s window keeps every receipt time within the signature's tolerance of NOW.
    const windowStart = Math.floor(NOW / 60) * 60;
    expect(at(NOW_MS)).toMatch(new RegExp(`^sha256-[0-9a-f]{64}-${windowStart}$`));
    expect(at(windowStart * 1000)).toBe(at((windowStart + 59) * 1000));
    expect(at(windowStart * 1000)).not.toBe(at((windowStart + 60) * 1000));
  });

  it("reads the event type from the source's eventTypePath when it sets one", () => {
    const result = prepareEvent(source('windowed'), generic('{"type":"ignored","meta":{"kind":"custom.kind"}}'));
    expect(eventOf(result).eventType).toBe('custom.kind');
  });

  it('answers missing_event_id when nothing names the event', () => {
    expect(prepareEvent(source('generic'), generic('{"data":{}}'))).toMatchObject({
      ok: false,
      status: 400,
      code: 'missing_event_id',
    });
  });

  it.each(['not json', '[1,2]', 'null', '"text"', ''])('answers malformed_body for %j', (body) => {
    expect(prepareEvent(source('generic'), generic(body, { 'x-event-id': 'e' }))).toMatchObject({
      ok: false,
      status: 400,
      code: 'malformed_body',
    });
  });

  it('answers malformed_body for invalid UTF-8 rather than storing altered bytes', () => {
    const raw = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const delivery = {
      headers: {
        'x-event-id': 'e',
        'x-timestamp': String(NOW),
        'x-signature': `sha256=${signLegacy(raw)}`,
      },
      rawBody: raw,
      receivedAt: NOW_MS,
    };
    expect(prepareEvent(source('generic'), delivery)).toMatchObject({ ok: false, code: 'malformed_body' });
  });

  it('answers malformed_body for a body nested deeper than could be stored', () => {
    const deep = `${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`;
    expect(eventOf(prepareEvent(source('generic'), generic(deep, { 'x-event-id': 'e' }))).eventId).toBe('e');
    const deeper = `{"b":${deep}}`;
    expect(prepareEvent(source('generic'), generic(deeper, { 'x-event-id': 'e' }))).toMatchObject({
      ok: false,
      code: 'malformed_body',
    });
    // Inside a form's payload field it stays what it was sent as: one string field, storable.
    const form = `payload=${encodeURIComponent(deeper)}`;
    const formHeaders = { 'x-event-id': 'e', 'content-type': 'application/x-www-form-urlencoded' };
    expect(JSON.parse(eventOf(prepareEvent(source('generic'), generic(form, formHeaders))).payloadJson ?? '')).toEqual({
      payload: deeper,
    });
  });

  it('keeps __proto__ and constructor keys as plain data without touching Object.prototype', () => {
    const body =
      '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"data":{"id":"j","status":"done"}}';
    const event = eventOf(prepareEvent(source('generic'), generic(body, { 'x-event-id': 'e' })));
    expect(event).toMatchObject({ entityId: 'j', status: 'done', rawBody: body });
    const form = '__proto__%5Bpolluted%5D=yes&__proto__=x&constructor=y';
    const formHeaders = { 'x-event-id': 'f', 'content-type': 'application/x-www-form-urlencoded' };
    expect(JSON.parse(eventOf(prepareEvent(source('generic'), generic(form, formHeaders))).payloadJson ?? '')).toEqual({
      '__proto__[polluted]': 'yes',
      ['__proto__']: 'x',
      constructor: 'y',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks the signature before looking at the body', () => {
    const delivery = generic('not json');
    expect(prepareEvent(source('generic'), { ...delivery, rawBody: Buffer.from('still not json') })).toMatchObject({
      ok: false,
      status: 401,
      code: 'invalid_signature',
    });
  });

  it('takes the Standard Webhooks id from webhook-id', () => {
    const body = '{"type":"invoice.paid"}';
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(NOW),
      'webhook-signature': new Webhook(SW_SECRET).sign('msg_1', new Date(NOW_MS), body),
    };
    const result = prepareEvent(source('sw'), { headers, rawBody: Buffer.from(body), receivedAt: NOW_MS });
    expect(result).toMatchObject({
      ok: true,
      event: { eventId: 'msg_1', eventType: 'invoice.paid', headers: { 'webhook-id': 'msg_1' } },
    });
    expect('webhook-signature' in eventOf(result).headers).toBe(false);
  });
});
