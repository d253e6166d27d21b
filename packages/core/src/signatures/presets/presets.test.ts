import { describe, expect, it } from 'vitest';
import { parseBody } from '../../ingest/parse-body.js';
import { type PresetName, providerNames, signatureSchemes } from '../index.js';
import { presetSamples, sampleDelivery } from './samples.js';

const NOW = 1_764_410_400;
const URL = 'https://hooks.example.com/webhooks/sample';
const presets = providerNames.filter((name): name is PresetName => name !== 'custom');

/** Verifies a sample's request, changed by `change`, as a source with the sample's secret would. */
function verdict(
  provider: PresetName,
  change: { body?: string; secret?: string; headers?: (h: Record<string, string>) => Record<string, string>; at?: number } = {},
) {
  const sample = presetSamples[provider];
  const at = change.at ?? NOW;
  const { body, contentType, signed } = sampleDelivery(provider, { nowSeconds: at, url: URL });
  const headers = { 'content-type': contentType, ...signed.headers };
  const query = signed.query ? `?${new URLSearchParams(signed.query)}` : '';
  const scheme = signatureSchemes[provider];
  return scheme.verify({
    headers: change.headers ? change.headers(headers) : headers,
    rawBody: Buffer.from(change.body ?? body),
    ...(signed.query && { query: signed.query }),
    url: `${URL}${query}`,
    secrets: [
      { index: 0, value: change.secret ?? sample.secret },
      { index: 1, value: 'an-unrelated-secret' },
    ],
    nowSeconds: NOW,
    toleranceSeconds: scheme.defaultToleranceSeconds ?? 0,
  });
}

const signatureHeadersOf = (provider: PresetName) => signatureSchemes[provider].signatureHeaders;

describe.each(presets)('preset %s', (provider) => {
  const sample = presetSamples[provider];
  const scheme = signatureSchemes[provider];
  const sendsToken = ['apify', 'gitlab', 'postmark'].includes(provider);

  it('verifies what its sender signs, and reads the id and type', () => {
    expect(verdict(provider)).toEqual({ ok: true, secretIndex: 0 });
    const { body, contentType, signed } = sampleDelivery(provider, { nowSeconds: NOW, url: URL });
    const headers = { 'content-type': contentType, ...signed.headers };
    const parsed = parseBody(headers, Buffer.from(body));
    if (parsed === undefined) throw new Error('sample body does not parse');
    expect(scheme.eventId({ headers, body: parsed.body })).toBe(sample.eventId);
    expect(scheme.eventType({ headers, body: parsed.body })).toBe(sample.eventType);
  });

  // A bare token covers no body: whoever holds it may send any. Such presets get no case here.
  if (!sendsToken) {
    it('refuses a tampered body', () => {
      const body = sample.body(NOW);
      const tampered = body.includes('1') ? body.replace('1', '2') : `${body} `;
      expect(verdict(provider, { body: tampered })).toEqual({ ok: false, reason: 'invalid_signature' });
    });
  }

  it('refuses a wrong secret', () => {
    const wrong = sample.secret.startsWith('whsec_') ? 'whsec_b3RoZXJvdGhlcm90aGVyb3RoZXI=' : `${sample.secret}-wrong`;
    const secret = provider === 'discord' ? '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c' : wrong;
    expect(verdict(provider, { secret })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('answers missing_signature without its signature headers', () => {
    const strip = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).filter(([name]) => !signatureHeadersOf(provider).includes(name)));
    expect(verdict(provider, { headers: strip })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('refuses malformed signature headers', () => {
    for (const garbage of ['garbage', 'sha256=', 't=1,v1=zz', 'v1,!!!', `${'a'.repeat(63)}`]) {
      const replace = (headers: Record<string, string>) => {
        const changed = { ...headers };
        for (const name of signatureHeadersOf(provider)) if (name in changed) changed[name] = garbage;
        return changed;
      };
      expect(verdict(provider, { headers: replace })).toEqual({ ok: false, reason: 'invalid_signature' });
    }
  });

  // Only presets whose sender signs a timestamp have one to go stale.
  const tolerance = scheme.defaultToleranceSeconds;
  if (tolerance !== undefined) {
    it('refuses a validly signed stale timestamp', () => {
      expect(verdict(provider, { at: NOW - tolerance - 5 })).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
      expect(verdict(provider, { at: NOW - tolerance + 1 }).ok).toBe(true);
    });
  }

  it('declares whether its id is signed, and guards replays where it is not signed (unless it sends a bare token)', () => {
    expect(scheme.defaultReplayGuard !== undefined).toBe(!scheme.idSigned && !sendsToken);
  });
});
