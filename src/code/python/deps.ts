/**
 * Starlette and FastAPI versions from a project's dependency files. CORS semantics differ by Starlette
 * version (platform facts §1.9), and FastAPI only pins Starlette in old releases, so lock files win,
 * then exact pins, then ranges; FastAPI pins are used only where they imply a Starlette version.
 */
import { parse as parseToml } from 'smol-toml';

export type Version = [number, number, number];

export interface VersionInfo {
  /** Exact version, when a lock file or an `==` pin says so. */
  exact?: Version;
  /** Inclusive lower / exclusive upper bound from a range. */
  min?: Version;
  max?: Version;
  /** What said so: `requirements.txt: starlette==0.36.3`. */
  source: string;
}

export interface DependencyVersions {
  starlette?: VersionInfo;
  fastapi?: VersionInfo;
}

export const DEPENDENCY_FILES = /^(requirements[^/]*\.txt|constraints[^/]*\.txt|pyproject\.toml|Pipfile\.lock|poetry\.lock|uv\.lock|pdm\.lock)$/;

export function parseVersion(text: string): Version | undefined {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function cmp(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function formatVersion(v: Version): string {
  return v.join('.');
}

/** Turns a PEP 440 / poetry specifier (`==0.36.3`, `>=0.27,<0.28`, `^0.110`, `~=0.36`) into bounds. */
export function fromSpecifier(spec: string, source: string): VersionInfo | undefined {
  const info: VersionInfo = { source };
  const clauses = spec.split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of clauses) {
    const m = /^(===|==|>=|<=|~=|!=|>|<|\^|~)?\s*([0-9][0-9a-zA-Z.*+-]*)$/.exec(c);
    if (!m) continue;
    const op = m[1] ?? '==';
    const v = parseVersion(m[2]);
    if (!v) continue;
    const wildcard = m[2].includes('*');
    switch (op) {
      case '==':
      case '===':
        if (wildcard) {
          info.min = v;
          info.max = m[2].split('.').length <= 2 ? [v[0] + 1, 0, 0] : [v[0], v[1] + 1, 0];
        } else info.exact = v;
        break;
      case '>=':
        info.min = v;
        break;
      case '>':
        info.min = [v[0], v[1], v[2] + 1];
        break;
      case '<':
        info.max = v;
        break;
      case '<=':
        info.max = [v[0], v[1], v[2] + 1];
        break;
      case '~=': {
        info.min = v;
        const parts = m[2].split('.').length;
        info.max = parts >= 3 ? [v[0], v[1] + 1, 0] : [v[0] + 1, 0, 0];
        break;
      }
      case '^':
        info.min = v;
        info.max = v[0] > 0 ? [v[0] + 1, 0, 0] : v[1] > 0 ? [0, v[1] + 1, 0] : [0, 0, v[2] + 1];
        break;
      case '~':
        info.min = v;
        info.max = [v[0], v[1] + 1, 0];
        break;
    }
  }
  return info.exact || info.min || info.max ? info : undefined;
}

type Found = { starlette?: VersionInfo; fastapi?: VersionInfo };

function fromRequirements(text: string, file: string): Found {
  const out: Found = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const m = /^(starlette|fastapi)(?:\[[^\]]*\])?\s*([^;]*)/i.exec(line);
    if (!m) continue;
    const name = m[1].toLowerCase() as 'starlette' | 'fastapi';
    const info = fromSpecifier(m[2].trim(), `${file}: ${line}`);
    if (info) out[name] = info;
  }
  return out;
}

function fromPep508List(list: unknown, file: string): Found {
  return Array.isArray(list) ? fromRequirements(list.filter((x) => typeof x === 'string').join('\n'), file) : {};
}

function fromPyproject(text: string, file: string): Found {
  const doc = parseToml(text) as Record<string, any>;
  const out: Found = { ...fromPep508List(doc.project?.dependencies, file) };
  const poetry = doc.tool?.poetry?.dependencies as Record<string, unknown> | undefined;
  for (const name of ['starlette', 'fastapi'] as const) {
    const spec = poetry?.[name];
    const s = typeof spec === 'string' ? spec : typeof spec === 'object' && spec && 'version' in spec ? String((spec as { version: unknown }).version) : undefined;
    if (s && !out[name]) {
      const info = fromSpecifier(s, `${file}: ${name} = "${s}"`);
      if (info) out[name] = info;
    }
  }
  for (const group of Object.values((doc['dependency-groups'] ?? {}) as Record<string, unknown>)) {
    const extra = fromPep508List(group, file);
    out.starlette ??= extra.starlette;
    out.fastapi ??= extra.fastapi;
  }
  return out;
}

/** poetry.lock, uv.lock and pdm.lock all list `[[package]] name = … version = …`. */
function fromTomlLock(text: string, file: string): Found {
  const doc = parseToml(text) as { package?: { name?: string; version?: string }[] };
  const out: Found = {};
  for (const p of doc.package ?? []) {
    const name = p.name?.toLowerCase();
    if ((name === 'starlette' || name === 'fastapi') && p.version) {
      const v = parseVersion(p.version);
      if (v) out[name] = { exact: v, source: `${file}: ${name} ${p.version}` };
    }
  }
  return out;
}

function fromPipfileLock(text: string, file: string): Found {
  const doc = JSON.parse(text) as Record<string, Record<string, { version?: string }>>;
  const out: Found = {};
  for (const section of ['default', 'develop']) {
    for (const name of ['starlette', 'fastapi'] as const) {
      const v = doc[section]?.[name]?.version;
      if (v && !out[name]) {
        const info = fromSpecifier(v, `${file}: ${name} ${v}`);
        if (info) out[name] = info;
      }
    }
  }
  return out;
}

/** Parses one dependency file; throws with a readable message when the file is malformed. */
export function parseDependencyFile(basename: string, text: string, file: string): Found & { lock: boolean } {
  if (basename === 'pyproject.toml') return { ...fromPyproject(text, file), lock: false };
  if (basename === 'Pipfile.lock') return { ...fromPipfileLock(text, file), lock: true };
  if (basename.endsWith('.lock')) return { ...fromTomlLock(text, file), lock: true };
  return { ...fromRequirements(text, file), lock: false };
}

/** Merges what several files in one directory say: lock files win over pins and ranges. */
export function mergeFound(found: (Found & { lock: boolean })[]): DependencyVersions {
  const ordered = [...found].sort((a, b) => Number(b.lock) - Number(a.lock));
  const out: DependencyVersions = {};
  for (const f of ordered) {
    for (const name of ['starlette', 'fastapi'] as const) {
      const cur = out[name];
      const next = f[name];
      if (!next) continue;
      if (!cur || (!cur.exact && next.exact)) out[name] = next;
    }
  }
  return out;
}

/**
 * The Starlette version range implied by what is known. FastAPI ≤0.49 pins 0.12.9, 0.50–0.68 pin
 * 0.13.x–0.14.2, 0.69 pins 0.15.0; newer FastAPI allows a wide range, so it implies only a minimum.
 */
export function starletteRange(d: DependencyVersions): VersionInfo | undefined {
  if (d.starlette) return d.starlette;
  const f = d.fastapi;
  if (!f) return undefined;
  const v = f.exact ?? (f.max && f.min && cmp(f.min, [0, 0, 0]) > 0 ? f.min : undefined);
  if (!v) return undefined;
  const source = `${f.source} (implies Starlette)`;
  if (cmp(v, [0, 50, 0]) < 0) return { exact: [0, 12, 9], source };
  if (cmp(v, [0, 69, 0]) < 0) return { min: [0, 13, 0], max: [0, 15, 0], source };
  if (cmp(v, [0, 92, 0]) < 0) return { min: [0, 15, 0], max: [0, 26, 0], source };
  return { min: [0, 15, 0], source };
}

/** Is the version below `bound`? yes / no / unknown, given exact or range knowledge. */
export function isBelow(info: VersionInfo | undefined, bound: Version): 'yes' | 'no' | 'unknown' {
  if (!info) return 'unknown';
  if (info.exact) return cmp(info.exact, bound) < 0 ? 'yes' : 'no';
  if (info.max && cmp(info.max, bound) <= 0) return 'yes';
  if (info.min && cmp(info.min, bound) >= 0) return 'no';
  return 'unknown';
}

export function describeVersion(info: VersionInfo | undefined): string {
  if (!info) return 'unknown';
  if (info.exact) return formatVersion(info.exact);
  const parts = [info.min && `>=${formatVersion(info.min)}`, info.max && `<${formatVersion(info.max)}`].filter(Boolean);
  return parts.join(',');
}
