// `npm run dashboards`: writes every dashboard's JSON model to dashboards/dist/ (committed, so an
// administrator can import them without building). test/dashboards checks dist is current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capacityReview } from './capacity-review.ts';
import { capacityReviewK6 } from './capacity-review-k6.ts';
import { runComparison } from './run-comparison.ts';

export const DIST = join(dirname(fileURLToPath(import.meta.url)), 'dist');

/** File name in dist/ -> the dashboard's JSON text. */
export function renderDashboards(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, build] of [
    ['capacity-review.json', capacityReview],
    ['run-comparison.json', runComparison],
    ['capacity-review-k6.json', capacityReviewK6],
  ] as const) {
    out.set(file, `${JSON.stringify(build().build(), null, 2)}\n`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(DIST, { recursive: true });
  for (const [file, text] of renderDashboards()) {
    writeFileSync(join(DIST, file), text);
    console.log(`wrote dashboards/dist/${file}`);
  }
}
