/**
 * A fetch that never follows a redirect. Where memory text may go is decided from the URL a
 * request is made to (this machine, a host the person allowed, the cloud endpoint), and the
 * ledger names that host. A redirect followed by fetch would carry the same request to a host
 * nobody decided on and the ledger never names: a 307 or 308 re-sends a POST's body as it was.
 * So any redirect is refused, with the error `refused` makes from where it pointed.
 *
 * @example
 * const guarded = withoutRedirects(fetch, (from, to) => new Error(`${from} redirected to ${to}`));
 */
export function withoutRedirects(
  base: typeof fetch,
  refused: (from: string, to: string) => Error,
): typeof fetch {
  return async (input, init) => {
    const response = await base(input, { ...init, redirect: "manual" });
    if (response.status < 300 || response.status > 399) return response;
    await response.body?.cancel();
    const from = input instanceof Request ? input.url : String(input);
    const to = response.headers.get("location") ?? "(no location given)";
    throw refused(new URL(from).origin, new URL(to, from).href);
  };
}
