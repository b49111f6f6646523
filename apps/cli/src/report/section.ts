/** What each part of the report hands to the page: figures (specs to draw), tables and notes. */
import type { TopLevelSpec } from 'vega-lite';

/** One picture and the sentence under it. */
export interface Figure {
  /** Stable id, also the anchor in the page (`losses`, `pca`, ...). */
  id: string;
  spec: TopLevelSpec;
  caption: string;
}

/** A table of text cells; the first row is the header. */
export interface Table {
  caption: string;
  rows: string[][];
}

/** One heading of the report. */
export interface Section {
  title: string;
  figures: Figure[];
  tables: Table[];
  /** Why something is missing, what was skipped, how it was computed. */
  notes: string[];
}
