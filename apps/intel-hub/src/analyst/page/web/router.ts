// Hash routes (#/search, #/person/<id>, #/explain?a=..&b=.., ...): the back button works, and a
// reload shows the same screen. Pure parsing (parseRoute) is unit-tested.

export interface Route {
  name: string;
  /** Path segments after the name (decoded). */
  args: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', qs = ''] = raw.split('?', 2);
  const [name = '', ...args] = path.split('/').filter((s) => s !== '');
  return {
    name,
    args: args.map((a) => {
      try {
        return decodeURIComponent(a);
      } catch {
        return a;
      }
    }),
    query: new URLSearchParams(qs),
  };
}

export function href(name: string, args: string[] = [], query?: Record<string, string>): string {
  const path = [name, ...args.map(encodeURIComponent)].join('/');
  const q = query ? new URLSearchParams(query).toString() : '';
  return `#/${path}${q ? `?${q}` : ''}`;
}

export function go(name: string, args: string[] = [], query?: Record<string, string>): void {
  location.hash = href(name, args, query);
}
