/** Request headers as Node delivers them: lower-case names, repeated headers as arrays. */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** First value of a header, or undefined when absent or empty. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
