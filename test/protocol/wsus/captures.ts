// Loads the real WSUS exchanges of ../shared/fixtures/wsus-captures (native WUA scan and flow, wsus-m0).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type WsusOperation, operationFromSoapAction } from '../../../protocol/wsus/index.ts';
import { WSUS_CAPTURES_DIR } from '../../paths.ts';

export interface CapturedExchange {
  /** e.g. "wsus-m0-native/flow/000012". */
  name: string;
  operation: WsusOperation;
  /** The SOAPAction header exactly as sent (quoted). */
  soapAction: string;
  status: number;
  requestBody: string;
  responseBody: string;
}

const SETS = ['wsus-m0-native/scan', 'wsus-m0-native/flow', 'wsus-m0'];

function header(headers: string, name: string): string | undefined {
  const line = headers.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

export function loadExchanges(): CapturedExchange[] {
  const out: CapturedExchange[] = [];
  for (const set of SETS) {
    const dir = join(WSUS_CAPTURES_DIR, set);
    for (const entry of readdirSync(dir).sort()) {
      const base = join(dir, entry);
      if (!existsSync(join(base, 'request.body'))) continue;
      const requestHeaders = readFileSync(join(base, 'request.headers'), 'utf8');
      const responseHeaders = readFileSync(join(base, 'response.headers'), 'utf8');
      const meta = JSON.parse(readFileSync(join(base, 'meta.json'), 'utf8')) as { soap_action?: string };
      const soapAction = header(requestHeaders, 'SOAPAction') ?? meta.soap_action ?? '';
      const operation = operationFromSoapAction(soapAction);
      if (!operation) throw new Error(`${set}/${entry}: unknown SOAPAction ${soapAction}`);
      out.push({
        name: `${set}/${entry}`,
        operation,
        soapAction,
        status: Number(responseHeaders.split(' ')[1]),
        requestBody: readFileSync(join(base, 'request.body'), 'utf8'),
        responseBody: readFileSync(join(base, 'response.body'), 'utf8'),
      });
    }
  }
  return out;
}

export function readCbs(file: string): string {
  return readFileSync(join(WSUS_CAPTURES_DIR, 'wsus-m0-cbs', file), 'utf8');
}
