// Renders a ReportModel and writes the HTML file (its folder created if needed).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderReportHtml } from './html-template.ts';
import type { ReportModel } from './report-model.ts';

export async function writeReport(
  model: ReportModel,
  file: string,
): Promise<{ file: string; bytes: number }> {
  const html = renderReportHtml(model.build());
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, html);
  return { file, bytes: Buffer.byteLength(html) };
}
