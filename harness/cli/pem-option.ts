// A PEM file given as an option of `run` or `serve`: refused before anything starts (exit 2), naming the
// option, the file and what it should hold. The check itself is site/pem-file.ts, shared with
// `conformance --ca` and startSite.
import { type PemKind, readPemFile } from '../../site/pem-file.ts';
import { OptionError } from './serve-options.ts';

export function checkPemOption(option: string, file: string, kind: PemKind): void {
  const read = readPemFile(file, kind);
  if (!read.ok) throw new OptionError(option, file, read.problem);
}
