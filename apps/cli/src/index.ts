export { buildRequest, type RequestOptions, type SignedDelivery } from './build-request.js';
export { type CliDeps, runCli, USAGE } from './cli.js';
