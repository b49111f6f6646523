/**
 * Reads the PromQL out of a Grafana dashboard JSON: every panel target's `expr` (rows and
 * nested panels included) and the series selector inside every `label_values(...)` template
 * variable query, and expands Grafana's variables into plain PromQL.
 */

/** One PromQL expression and where in the dashboard it came from. */
export interface DashboardQuery {
  /** Panel title or `variable <name>`. */
  where: string;
  /** The expression as written in the dashboard. */
  expr: string;
}

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

interface TemplateVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
}

/** Every PromQL expression in `json` (a parsed dashboard). */
export function dashboardQueries(json: unknown): DashboardQuery[] {
  const dashboard = json as { panels?: Panel[]; templating?: { list?: TemplateVariable[] } };
  const out: DashboardQuery[] = [];
  const walk = (panels: Panel[] | undefined) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: p.title ?? '(untitled)', expr: t.expr });
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const text = typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
    // label_values(selector, label): the selector is the PromQL part.
    const m = /^\s*label_values\(\s*(.+)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/.exec(text);
    out.push({ where: `variable ${v.name}`, expr: m ? m[1] : text });
  }
  return out;
}

/**
 * Replaces `$name` / `${name}` / `[[name]]` variables with `values[name]`; Grafana's interval
 * variables (`$__rate_interval`, `$__interval`, `$__range`) with `interval`.
 */
export function expandVariables(expr: string, values: Record<string, string>, interval: string): string {
  let out = expr.replace(/\$__(rate_interval|interval|range)\b/g, interval);
  for (const [name, value] of Object.entries(values)) {
    out = out.replaceAll(`\${${name}}`, value).replaceAll(`[[${name}]]`, value).replace(new RegExp(`\\$${name}\\b`, 'g'), value);
  }
  const left = /\$\{?[A-Za-z_]\w*/.exec(out);
  if (left) throw new Error(`"${expr}": variable ${left[0]} has no value`);
  return out;
}

/** Metric names an expression reads (identifiers followed by `{` or standing alone), crude but enough here. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/\b(grugan_[a-z0-9_]+|up)\b/g)) names.add(m[1]);
  return [...names];
}
