// Reads a run's folder (`--out-dir`: timeline.ndjson + summary.json) into a ReportModel, line by line so
// a day-long timeline never sits in memory. Every problem is a ReportInputError naming the path, the
// line and what was expected.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SUMMARY_FILE, TIMELINE_FILE, TIMELINE_SCHEMA } from '../outputs/timeline-format.ts';
import type { RunFinal } from '../outputs/output.ts';
import { SUMMARY_SCHEMA } from '../summary.ts';
import { ReportModel } from './report-model.ts';

/** The folder or a file in it is missing or not what a run writes: `patchstorm report` exits 2. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

const EXPECTED = `a run's --out-dir folder holding ${TIMELINE_FILE} and ${SUMMARY_FILE}`;

export async function readRunFolder(dir: string): Promise<ReportModel> {
  const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    throw new ReportInputError(
      `${dir}: ${err.code === 'ENOENT' ? 'no such folder' : err.message} (expected ${EXPECTED})`,
    );
  });
  if (!info.isDirectory())
    throw new ReportInputError(`${dir}: is a file, not a folder (expected ${EXPECTED})`);
  const model = new ReportModel();
  const sawEnd = await readTimeline(join(dir, TIMELINE_FILE), model);
  const summary = await readSummary(join(dir, SUMMARY_FILE));
  if (summary) model.end(summary);
  else if (!sawEnd)
    model.note(`No ${SUMMARY_FILE} and no end line in ${TIMELINE_FILE}: the run did not finish; no verdict.`);
  return model;
}

/** Feeds the timeline to the model; true when it had its end line. */
async function readTimeline(file: string, model: ReportModel): Promise<boolean> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  await opened.catch((err: NodeJS.ErrnoException) => {
    throw new ReportInputError(
      `${file}: ${err.code === 'ENOENT' ? 'not found' : err.message} (every run writes ${TIMELINE_FILE} into its --out-dir; expected ${EXPECTED})`,
    );
  });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let pendingBad: { lineNo: number; message: string } | undefined;
  let sawStart = false;
  let sawEnd = false;
  for await (const text of lines) {
    lineNo++;
    if (text.trim() === '') continue;
    // A line that does not parse is an error unless it is the last one (a run killed mid-write).
    if (pendingBad) throw new ReportInputError(`${file} line ${pendingBad.lineNo}: ${pendingBad.message}`);
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch (err) {
      pendingBad = { lineNo, message: `not JSON (${(err as Error).message})` };
      continue;
    }
    const where = `${file} line ${lineNo}`;
    const type = isObject(line) ? line.type : undefined;
    if (!sawStart) {
      if (type !== 'start' || !isObject(line) || line.schema !== TIMELINE_SCHEMA || !isObject(line.meta))
        throw new ReportInputError(
          `${where}: expected the start line {"type":"start","schema":"${TIMELINE_SCHEMA}","meta":{…}}, got ${preview(text)}`,
        );
      model.start(line.meta as never);
      sawStart = true;
      continue;
    }
    const l = line as Record<string, unknown>;
    switch (type) {
      case 'interval':
        if (
          !isObject(l.stats) ||
          typeof l.stats.virtualTime !== 'number' ||
          !Array.isArray(l.stats.operations)
        )
          throw new ReportInputError(
            `${where}: interval line without stats.virtualTime and stats.operations`,
          );
        model.interval(l.stats as never);
        break;
      case 'event':
        if (
          !isObject(l.event) ||
          typeof l.event.virtualTime !== 'number' ||
          typeof l.event.title !== 'string'
        )
          throw new ReportInputError(`${where}: event line without event.virtualTime and event.title`);
        model.event(l.event as never);
        break;
      case 'end':
        if (!isObject(l.summary)) throw new ReportInputError(`${where}: end line without a summary object`);
        model.end(l.summary as unknown as RunFinal['summary']);
        sawEnd = true;
        break;
      default:
        throw new ReportInputError(
          `${where}: unknown line type ${JSON.stringify(type)} (valid: start, interval, event, end)`,
        );
    }
  }
  if (!sawStart)
    throw new ReportInputError(
      pendingBad
        ? `${file} line ${pendingBad.lineNo}: ${pendingBad.message}`
        : `${file}: empty (expected ${EXPECTED})`,
    );
  if (pendingBad)
    model.note(
      `${TIMELINE_FILE} line ${pendingBad.lineNo} was cut short (the run was stopped while writing it); it is left out.`,
    );
  return sawEnd;
}

async function readSummary(file: string): Promise<RunFinal['summary'] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ReportInputError(`${file}: ${(err as Error).message}`);
  }
  let summary: unknown;
  try {
    summary = JSON.parse(text);
  } catch (err) {
    throw new ReportInputError(
      `${file}: not JSON (${(err as Error).message}); expected the summary a run writes`,
    );
  }
  if (!isObject(summary) || summary.schema !== SUMMARY_SCHEMA || !Array.isArray(summary.operations))
    throw new ReportInputError(
      `${file}: not a run summary (expected "schema": "${SUMMARY_SCHEMA}" and an operations list)`,
    );
  return summary as unknown as RunFinal['summary'];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
