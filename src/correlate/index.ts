/**
 * Correlation: the route index, live findings confirming static ones, and attack chains. Runs on the
 * findings of every source after they are made; pure (no I/O).
 */
import { severityRank, type Finding } from '../findings/index.ts';
import { TOKEN_GATE_WORDS } from '../code/rules/cors-context.ts';
import type { RouteEntry } from '../code/inventory.ts';
import { attachProbed, buildRouteIndex, type RouteExposure } from './routes.ts';
import { findChains, type Chain, type ChainContext } from './chains.ts';

export type { RouteExposure } from './routes.ts';
export type { Chain, ChainStep, ChainSpec } from './chains.ts';
export { CHAINS, STEP_TITLES } from './chains.ts';

export interface CorrelateInput {
  findings: Finding[];
  inventory: RouteEntry[];
  /** Cookies the code sets (`set_cookie`), with SameSite when written as a literal. */
  codeCookies?: { name?: string; sameSite?: string; where: string }[];
  live?: { endpoints: { url: string; template?: string }[]; cookies: { name: string; sameSite?: string; declared?: boolean }[]; direct: boolean };
}

export interface Correlation {
  findings: Finding[];
  routes: RouteExposure[];
  chains: Chain[];
}

/** Static CORS findings that claim what a live reflection shows: a foreign origin reads the responses. */
const CONFIRMABLE_CORS = new Set(['cors-wildcard-with-credentials', 'cors-reflected-origin', 'cors-permissive-origin-regex', 'cors-null-origin', 'cors-origins-as-string', 'cors-wildcard-origin', 'lambda-response-cors-wildcard', 'gateway-cors-wildcard-origin', 'gateway-cors-permissive-origin']);

/** A static CORS finding rated down for the token gateway in front, which a live target reached without it confirmed. */
const DIRECT_NOTE = ' The live target, reached without that gateway, answers as the code says: wherever the app is reachable that way, the gateway does not stop it.';

export function correlate(input: CorrelateInput): Correlation {
  let findings = input.findings;
  let index = buildRouteIndex(input.inventory, findings);
  if (input.live) attachProbed(index, input.live.endpoints);

  // a live finding that confirms a static one (same topic, same route) raises its confidence and is folded into it
  const byFp = new Map(findings.map((f) => [f.fingerprint, f]));
  const folded = new Set<string>();
  const updated = new Map<string, Finding>();
  for (const l of findings) {
    if (l.source !== 'live' || l.severity === 'info') continue;
    if (l.topic === 'cors-permissive-origin' && !l.live?.readable) continue;
    const routes = index.filter((e) => e.findings.includes(l.fingerprint));
    if (!routes.length) continue;
    let everyRoute = true;
    for (const e of routes) {
      // a live target reached directly (no gateway in front) confirms what the code does, not the gateway templates
      const layers = input.live?.direct ? ['code'] : ['code', 'iac'];
      const statics = e.findings
        .map((fp) => updated.get(fp) ?? byFp.get(fp)!)
        .filter((s) => layers.includes(s.source) && s.topic === l.topic && s.severity !== 'info' && (s.topic !== 'cors-permissive-origin' || CONFIRMABLE_CORS.has(s.ruleId)));
      if (!statics.length) {
        everyRoute = false;
        continue;
      }
      for (const s of statics) {
        if (s.confirmedBy?.includes(l.fingerprint)) continue;
        const http = l.evidence.find((x) => x.kind === 'http');
        // what the running API did outranks what the code and templates predict: a worse live rating is kept
        const worse = severityRank(l.severity) < severityRank(s.severity);
        updated.set(s.fingerprint, {
          ...s,
          confidence: 'high',
          confirmedBy: [...(s.confirmedBy ?? []), l.fingerprint],
          evidence: [...s.evidence, ...(http ? [http] : [])],
          ...(l.proof && !s.proof ? { proof: l.proof } : {}),
          ...(worse
            ? { severity: l.severity, impact: l.impact, likelihood: l.likelihood, message: `${s.message} The live target rates it ${l.severity}: ${l.message}` }
            : input.live?.direct && s.message.includes(TOKEN_GATE_WORDS) && !s.message.includes(DIRECT_NOTE)
              ? { message: `${s.message}${DIRECT_NOTE}` }
              : {}),
        });
      }
    }
    if (everyRoute) folded.add(l.fingerprint);
  }
  if (updated.size || folded.size) {
    findings = findings.filter((f) => !folded.has(f.fingerprint)).map((f) => updated.get(f.fingerprint) ?? f);
    const kept = new Set(findings.map((f) => f.fingerprint));
    // a folded live finding's place on its routes is taken by the static finding it confirmed
    index = index.map((e) => ({ ...e, findings: e.findings.filter((fp) => kept.has(fp)) }));
  }
  const ctx: ChainContext = { findings: new Map(findings.map((f) => [f.fingerprint, f])), codeCookies: input.codeCookies ?? [], ...(input.live ? { live: { cookies: input.live.cookies, direct: input.live.direct } } : {}) };
  // chains read the live findings too, folded or not: their facts establish the CORS step
  for (const l of input.findings) if (folded.has(l.fingerprint)) ctx.findings.set(l.fingerprint, l);
  const foldedLive = input.findings.filter((l) => folded.has(l.fingerprint));
  const withFolded = foldedLive.length ? index.map((e) => ({ ...e, findings: [...e.findings, ...foldedLive.filter((l) => l.live?.endpoints.some((ep) => e.live.some((x) => x.url === ep.url))).map((l) => l.fingerprint)] })) : index;
  return { findings, routes: index, chains: findChains(withFolded, ctx) };
}
