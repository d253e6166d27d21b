/** What a source reconciles against: the provider's API and where in it. */
export type ReconcileTarget =
  | { readonly provider: 'stripe'; readonly types?: readonly string[] }
  | {
      readonly provider: 'github';
      /** `repos/<owner>/<repo>` or `orgs/<org>`: the webhook's owner in GitHub's paths. */
      readonly hookOwner: string;
      readonly hookId: number;
    }
  | { readonly provider: 'apify'; readonly actors?: readonly string[] };

/** A source's `reconcile` block, defaults applied; the credential is resolved separately. */
export interface ReconcileSettings {
  /** Environment variable holding the API token. */
  readonly credentialEnv: string;
  /** The API root, without a trailing slash. */
  readonly baseUrl: string;
  readonly intervalSeconds: number;
  readonly lookbackHours: number;
  readonly target: ReconcileTarget;
}
