// [MS-WUSP] §2.2.2.4 (protocol-reference §1.5): every WSUS fault is a SOAP 1.1 Fault sent with HTTP 500,
// text/xml, whose detail carries ErrorCode (one of the 11 codes) and Message. Clients choose their
// recovery from ErrorCode alone (W-COOKIE); a fault without it leaves them guessing.
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import type { WsusOperation } from '../../protocol/wsus/index.ts';
import { exchangeWsus, responseOf, type WsusExchange, WsusReplyError } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { extendedLimitOf, revisionIdsFor } from './extended-limit.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

interface Provocation {
  what: string;
  send(): Promise<WsusExchange<WsusOperation>>;
}

function judge(ex: WsusExchange<WsusOperation>): string[] {
  const problems: string[] = [];
  if (ex.status !== 500) problems.push(`HTTP ${ex.status} instead of 500`);
  if (!/^text\/xml\b/i.test(ex.contentType))
    problems.push(`Content-Type ${JSON.stringify(ex.contentType)} instead of text/xml`);
  const f = ex.fault!;
  if (f.kind !== 'wsus') {
    problems.push(
      f.rawErrorCode
        ? `detail/ErrorCode ${JSON.stringify(f.rawErrorCode)} is not a WSUS error code`
        : `no detail/ErrorCode (faultcode ${JSON.stringify(f.faultCode)})`,
    );
  }
  if (!f.message) problems.push('no detail/Message');
  return problems;
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const sup = required(ctx, 'sup');
  const probe = new WsusProbe(ctx.http, sup);
  await probe.handshake();
  responseOf(await probe.syncUpdates());
  const limit = extendedLimitOf(probe) ?? 50;
  const provocations: Provocation[] = [
    {
      what: 'SyncUpdates with a garbage cookie',
      send: () => probe.syncUpdates({ expiration: probe.cookie!.expiration, encryptedData: 'AAAA' }),
    },
    {
      what: `GetExtendedUpdateInfo with ${limit + 1} ids`,
      send: () => probe.getExtendedUpdateInfo(revisionIdsFor(probe, limit + 1)),
    },
    {
      what: 'GetAuthorizationCookie with an invalid client id',
      send: () =>
        exchangeWsus(ctx.http, sup, {
          operation: 'GetAuthorizationCookie',
          clientId: 'not a valid id!',
          dnsName: 'x.patchstorm.test',
        }),
    },
  ];
  const problems: string[] = [];
  const details: string[] = [];
  let inspected = 0;
  for (const p of provocations) {
    try {
      const ex = await p.send();
      if (ex.response) {
        // Not this check's finding (other checks fail it); it just leaves one fault fewer to inspect.
        details.push(`${p.what}: answered normally, no fault to inspect`);
        continue;
      }
      inspected += 1;
      const found = judge(ex);
      if (found.length > 0) problems.push(`${p.what}: ${found.join(', ')}`);
      else details.push(`${p.what}: HTTP 500 SOAP fault ${ex.fault!.errorCode}`);
    } catch (err) {
      if (!(err instanceof WsusReplyError)) throw err;
      inspected += 1;
      const ex = err.exchange;
      problems.push(
        `${p.what}: HTTP ${ex.status} ${JSON.stringify(ex.contentType)} with a body that is not a SOAP fault ` +
          `(${describeError(err.cause)}): ${JSON.stringify(ex.body.slice(0, 80))}`,
      );
    }
  }
  if (problems.length > 0) {
    return fail(
      `faults must be SOAP 1.1 Faults over HTTP 500 with detail/ErrorCode: ${problems.join('; ')}`,
      details,
    );
  }
  if (inspected === 0) {
    // Nothing to judge: the fault shape is unknown, not wrong (other checks fail the missing faults).
    return skip('none of the provocations produced a fault, so the fault shape could not be judged', details);
  }
  return pass(
    `${inspected} provoked faults, each a SOAP 1.1 Fault over HTTP 500 with detail/ErrorCode`,
    details,
  );
}

export const faultShapeCheck: ConformanceCheck = {
  id: 'wsus-fault-shape',
  title: 'Faults are SOAP 1.1 Faults over HTTP 500 with detail/ErrorCode',
  rules: ['W-COOKIE'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
