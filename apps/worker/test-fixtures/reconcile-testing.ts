export { type FakeApify, type RunShort, run, startFakeApify } from './provider-apis/apify-api.js';
export { type FakeGitHub, type HookDelivery, startFakeGitHub } from './provider-apis/github-api.js';
export { type FakeStripe, paymentIntentEvent, type StripeEvent, startFakeStripe } from './provider-apis/stripe-api.js';
export { type ReconcileHarness, startReconcileHarness } from './reconcile-harness.js';
