import type { Expr, ModuleModel } from '../python/ir.ts';
import type { PythonProject } from '../python/app-model.ts';
import { effective } from '../python/resolve.ts';
import type { Rule } from './rule.ts';
import { at, disclosure, frames, placeText, routeFor } from './exposure-context.ts';

const PUBLIC_ACL = /^(public-read|public-read-write|authenticated-read)$/;
/** Shared scratch space: /tmp on a Lambda outlives the invocation, on a server every process reads it. */
const SHARED_DIR = /^\/(tmp|var\/tmp|dev\/shm)(\/|$)/;

/** The literal start of a path as written: "/tmp/x.json", f"/tmp/{id}.json", os.path.join("/tmp", n), Path("static") / "exports". */
function pathPrefix(project: PythonProject, module: ModuleModel, e: Expr | undefined, depth = 0): string | undefined {
  if (!e || depth > 6) return undefined;
  switch (e.k) {
    case 'str':
      return e.v;
    case 'fstr': {
      let out = '';
      for (const p of e.parts) {
        if (p.k !== 'str') return out;
        out += p.v;
      }
      return out;
    }
    case 'binop': {
      const l = pathPrefix(project, module, e.l, depth + 1);
      if (l === undefined) return undefined;
      const r = pathPrefix(project, module, e.r, depth + 1) ?? '';
      return e.op === '/' ? `${l.replace(/\/$/, '')}/${r}` : l + r;
    }
    case 'call': {
      const fn = e.fn.text ?? '';
      if (/(^|\.)(Path|PurePath|PosixPath)$/.test(fn)) return pathPrefix(project, module, e.args[0], depth + 1);
      if (/(^|\.)path\.join$/.test(fn)) {
        const parts = e.args.map((a) => pathPrefix(project, module, a, depth + 1));
        const first = parts[0];
        return first === undefined ? undefined : [first, ...parts.slice(1).map((p) => p ?? '')].join('/');
      }
      if (/gettempdir$/.test(fn)) return '/tmp';
      return undefined;
    }
    case 'name':
    case 'attr': {
      const def = project.resolver.definition(e, module);
      if (def) return pathPrefix(project, def.module, def.expr, depth + 1);
      const v = effective(project.resolver.evaluate(e, module));
      return v.k === 'str' ? v.v : undefined;
    }
    default:
      return undefined;
  }
}

/** Directories the app serves as static files: app.mount("/static", StaticFiles(directory="static")). */
function servedDirs(project: PythonProject): string[] {
  const out: string[] = [];
  for (const m of project.modules) {
    for (const w of m.wiring) {
      if (w.fn.k !== 'attr' || w.fn.name !== 'mount') continue;
      const app = w.args[1] ?? w.kwargs.app;
      if (app?.k !== 'call' || !/StaticFiles$/.test(app.fn.text ?? '')) continue;
      const dir = pathPrefix(project, m, app.kwargs.directory ?? app.args[0]);
      if (dir) out.push(dir.replace(/^\.\//, '').replace(/\/$/, ''));
    }
  }
  return out;
}

function readableBy(path: string, served: string[]): string | undefined {
  if (SHARED_DIR.test(path)) return `${path.split('/').slice(0, 2).join('/')}, shared by every invocation on the instance`;
  const rel = path.replace(/^\.\//, '');
  const dir = served.find((d) => rel === d || rel.startsWith(`${d}/`) || path.includes(`/${d}/`));
  return dir ? `the static directory ${JSON.stringify(dir)} the app serves to anyone` : undefined;
}

export const rule: Rule = {
  meta: {
    id: 'secret-written-readable',
    topic: 'sensitive-data-in-files',
    summary: 'Events, credentials, secrets or personal items are written to /tmp, to a directory the app serves, or to a public S3 object.',
    cwe: [538],
    owasp: ['API3:2023', 'API8:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda'], datastore: ['any'] },
    stability: 'experimental',
    remediation: 'Keep secrets and personal data out of files: write exports to a private S3 bucket (no ACL, Block Public Access on) and hand out short-lived presigned URLs; never dump events or tokens to disk.',
    limits:
      'Follows open(…, "w") with write/json.dump, Path.write_text/write_bytes, S3 put_object/upload_file with a public canned ACL, in the function and in project helpers two calls deep; a bucket made public by its bucket policy, and paths built at run time from unknown parts, are not judged.',
  },
  check({ project, report }) {
    const served = servedDirs(project);
    const seen = new Set<string>();
    for (const { root, frame } of frames(project)) {
      const { module, fn } = frame;
      // files this function wrote with something sensitive, for a public upload of the same file
      const sensitiveFiles = new Map<string, string>();
      for (const w of fn.writes) {
        const labels = project.flow.labelsAt(w.taint, frame);
        let what = labels.map((l) => disclosure(project, module, l, true)).find(Boolean);
        let where: string | undefined;
        if (w.kind === 'file') {
          const path = pathPrefix(project, module, w.target);
          if (path === undefined) continue;
          if (what) sensitiveFiles.set(path, what);
          where = readableBy(path, served);
        } else {
          if (!w.acl || !PUBLIC_ACL.test(w.acl)) continue;
          const source = pathPrefix(project, module, w.source);
          if (!what && source) what = sensitiveFiles.get(source);
          where = `an S3 object with ACL ${JSON.stringify(w.acl)}`;
        }
        if (!what || !where) continue;
        const key = `${module.file}:${w.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const via = fn === root.fn ? '' : ` (called from ${placeText(project, root.module, root.fn)})`;
        report({
          message: `${placeText(project, module, fn)}${via} writes ${what} to ${where}.`,
          location: at(module, w.line),
          route: routeFor(project, root.fn),
          evidence: [{ kind: 'code', file: module.file, line: w.line, snippet: w.snippet }],
        });
      }
    }
  },
};
