import { createHmac } from 'node:crypto';
import { readIdentifier } from '../../json-path.js';
import { createHmacScheme } from '../spec/hmac-scheme.js';

/**
 * Zoom: `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:<x-zm-request-timestamp>:<body>">`, keyed
 * with the app's secret token. Its endpoint URL validation (`endpoint.url_validation`) must be
 * answered with the plain token and its HMAC under the same secret.
 */
export const zoomScheme = createHmacScheme(
  'zoom',
  {
    algorithm: 'sha256',
    encoding: 'hex',
    signature: { headers: ['x-zm-signature'], prefix: 'v0=' },
    timestamp: { from: 'header:x-zm-request-timestamp' },
    content: 'v0:{timestamp}:{body}',
    tolerance: { seconds: 300, direction: 'past' },
    // Zoom sends no event id: the event, its time (ms) and the object it is about name it.
    id: ['body:event+body:event_ts+body:payload.object.id', 'body:event+body:event_ts'],
    type: ['body:event'],
  },
  {
    handshake({ body }, secret) {
      const plainToken = readIdentifier(body, 'payload.plainToken');
      if (body.event !== 'endpoint.url_validation' || plainToken === undefined || secret === undefined) return undefined;
      return { plainToken, encryptedToken: createHmac('sha256', secret).update(plainToken).digest('hex') };
    },
  },
);
