import { createStandardWebhooksScheme } from './standard-webhooks.js';

/**
 * Svix signs exactly as Standard Webhooks does (Svix wrote that standard) but names the headers
 * `svix-id`, `svix-timestamp`, `svix-signature`.
 */
export const svixScheme = createStandardWebhooksScheme('svix', {
  id: 'svix-id',
  timestamp: 'svix-timestamp',
  signature: 'svix-signature',
});
