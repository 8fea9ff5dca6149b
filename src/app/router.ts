/**
 * Hash routes (the coordinator serves one index.html, so the path stays "/"):
 * #/ (the start page), #/home, #/join/<token>, #/data, #/train, #/review, #/ledger, #/demo,
 * #/operator[/<token>].
 */
export interface Route {
  readonly name: string;
  /** path segments after the name, e.g. the invite token of #/join/<token> */
  readonly params: readonly string[];
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  const [name, ...params] = parts;
  return { name: name ?? '', params };
}

export function routeHref(name: string, ...params: string[]): string {
  return '#/' + [name, ...params.map(encodeURIComponent)].join('/');
}
