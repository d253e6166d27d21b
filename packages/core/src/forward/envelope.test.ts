import { describe, expect, it } from 'vitest';
import { buildEnvelope } from './envelope.js';
import { forwardMessageId } from './message-id.js';

describe('buildEnvelope', () => {
  it('describes the event and splices the original payload in byte for byte', () => {
    const rawBody = '{"amount": 12345678901234567890, "b": 1, "a": 2}';
    const body = buildEnvelope({
      eventId: 'evt_1',
      source: 'payments',
      eventType: 'payment_intent.succeeded',
      entityId: 'pi_1',
      status: 'succeeded',
      transition: 'applied',
      receivedAt: new Date('2026-01-01T00:00:00Z'),
      replay: false,
      payloadText: rawBody,
    });
    expect(JSON.parse(body)).toEqual({
      eventId: 'evt_1',
      source: 'payments',
      type: 'payment_intent.succeeded',
      entityId: 'pi_1',
      status: 'succeeded',
      transition: 'applied',
      receivedAt: '2026-01-01T00:00:00.000Z',
      replay: false,
      payload: JSON.parse(rawBody),
    });
    expect(body.endsWith(`"payload":${rawBody}}`)).toBe(true);
  });
});

describe('forwardMessageId', () => {
  it('is stable for one event and destination, and differs per destination and per replay', () => {
    const id = forwardMessageId('payments', 'evt_1', 'https://a.example/hook');
    expect(id).toBe(forwardMessageId('payments', 'evt_1', 'https://a.example/hook'));
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(forwardMessageId('payments', 'evt_1', 'https://b.example/hook')).not.toBe(id);
    expect(forwardMessageId('payments', 'evt_1', 'https://a.example/hook', 'replay-1')).not.toBe(id);
  });
});
