/**
 * One join key per route across code routes, gateway routes and live endpoints: the method and the path
 * template with parameter names dropped (`GET /profiles/{}`). Live URLs are matched against the known
 * templates segment by segment, allowing a base path or stage prefix (`/prod`, `/v1/prod`) in front.
 */

export interface RouteKeyed {
  method: string;
  /** The template as the source wrote it (`/profiles/{user_id}`), `''` for a Lambda handler without a known route. */
  path: string;
}

/** `/profiles/{user_id}/` → `/profiles/{}`; `{proxy+}` stays a greedy segment. */
export function normalisePath(path: string): string {
  const p = path.trim().replace(/\/+$/, '') || '/';
  return p.replace(/\{[^}/]*\+\}/g, '{+}').replace(/\{[^}/+]*\}/g, '{}').replace(/<[^>/]*>/g, '{}');
}

/** Methods that read: a live GET or HEAD probes the code's GET route. */
function normaliseMethod(method: string): string {
  const m = method.toUpperCase();
  return m === 'HEAD' ? 'GET' : m;
}

export function routeKey(r: RouteKeyed): string {
  return `${normaliseMethod(r.method)} ${normalisePath(r.path)}`;
}

/** A concrete path's segments against a template's: literal equal, `{}` any one segment, `{+}` the rest. */
function segmentsMatch(tpl: string[], path: string[]): boolean {
  for (let i = 0; i < tpl.length; i++) {
    if (tpl[i] === '{+}') return path.length > i;
    if (i >= path.length) return false;
    if (tpl[i] !== '{}' && tpl[i] !== path[i]) return false;
    if (tpl[i] === '{}' && !path[i]) return false;
  }
  return tpl.length === path.length;
}

const split = (p: string): string[] => p.split('/').filter(Boolean);

/**
 * The known route a live endpoint is: by its template when the OpenAPI document gave one, else by its URL
 * path; a base path of up to two segments in front (API Gateway stages, `servers` paths) is allowed.
 * Among several matches the most specific (most literal segments, no prefix) wins.
 */
export function matchLive(method: string, template: string | undefined, url: string, known: RouteKeyed[]): RouteKeyed | undefined {
  let path: string;
  try {
    path = decodeURI(new URL(url).pathname);
  } catch {
    return undefined;
  }
  const m = normaliseMethod(method);
  const candidates = known.filter((k) => normaliseMethod(k.method) === m || k.method.toUpperCase() === 'ANY');
  const want = template ? split(normalisePath(template)) : undefined;
  let best: { r: RouteKeyed; score: number } | undefined;
  for (const r of candidates) {
    if (!r.path) continue;
    const tpl = split(normalisePath(r.path));
    for (let skip = 0; skip <= 2; skip++) {
      const ok = want ? want.length - skip === tpl.length && want.slice(skip).every((s, i) => s === tpl[i] || (s === '{}' && tpl[i] === '{}')) : segmentsMatch(tpl, split(path).slice(skip));
      if (!ok) continue;
      const score = tpl.filter((s) => s !== '{}' && s !== '{+}').length * 10 - skip - (r.method.toUpperCase() === 'ANY' ? 5 : 0);
      if (!best || score > best.score) best = { r, score };
      break;
    }
  }
  return best?.r;
}
