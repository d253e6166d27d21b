/**
 * A destination URL fit to show an operator: no user name or password, each query value replaced
 * by `redacted` (a destination may carry its own credentials as `?token=`), no fragment. The
 * forward rows keep the URL as configured; only what the admin shows is stripped.
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not a URL)';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  for (const name of new Set(parsed.searchParams.keys())) parsed.searchParams.set(name, 'redacted');
  return parsed.href;
}
