/**
 * The report page: one self-contained HTML file (inline CSS and SVG, no scripts, no external
 * resources), so it opens offline and can be mailed or attached to an issue as it is.
 */
import type { Table } from './section.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A section as the page shows it: figures already rendered to SVG. */
export interface RenderedSection {
  title: string;
  figures: { id: string; svg: string; caption: string }[];
  tables: Table[];
  notes: string[];
}

export interface ReportPage {
  title: string;
  /** Label → value lines at the top (run directory, model, data, ...). */
  facts: [string, string][];
  sections: RenderedSection[];
  /** Footer line: when and how long. */
  footer: string;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 1000px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.3em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.8em 0; } td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #eee; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } caption { text-align: left; color: #555; padding-bottom: 0.3em; }
table.facts th { font-weight: 600; color: #555; } figure { margin: 1.2em 0; } figcaption { color: #555; font-size: 0.92em; }
svg { max-width: 100%; height: auto; } .note { color: #8a5a00; }
`;

const isNumeric = (cell: string) => /^[-+]?[\d.]+(e[-+]?\d+)?( ± [-+]?[\d.]+(e[-+]?\d+)?)?$|^(NaN|-?Infinity)$/.test(cell);

function tableHtml(t: Table): string {
  const [header, ...body] = t.rows;
  const cell = (c: string) => `<td${isNumeric(c) ? ' class="num"' : ''}>${escapeHtml(c)}</td>`;
  return [
    '<table>',
    `<caption>${escapeHtml(t.caption)}</caption>`,
    `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${body.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function sectionHtml(s: RenderedSection): string {
  return [
    `<section><h2>${escapeHtml(s.title)}</h2>`,
    ...s.tables.map(tableHtml),
    // The SVG comes from Vega's renderer, which escapes the text it draws.
    ...s.figures.map((f) => `<figure id="${escapeHtml(f.id)}">${f.svg}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`),
    ...s.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`),
    '</section>',
  ].join('\n');
}

export function reportHtml(page: ReportPage): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<table class="facts"><tbody>${page.facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}</tbody></table>`,
    ...page.sections.map(sectionHtml),
    `<footer><p>${escapeHtml(page.footer)}</p></footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
