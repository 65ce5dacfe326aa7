// SOAP faults: all 11 WSUS ErrorCodes in the real shape, the WCF InternalServiceFault, and other faults.
import { describe, expect, it } from 'vitest';
import {
  NS_SOAP,
  WSUS_ERROR_CODES,
  WSUS_OPERATIONS,
  WsusFault,
  buildInternalServiceFault,
  buildWsusFault,
  parseWsusResponse,
  soapActionFor,
} from '../../protocol/wsus/index.ts';
import { loadExchanges } from './wsus/captures.ts';
import { skeletonText } from './wsus/skeleton.ts';

function faultOf(fn: () => unknown): WsusFault {
  try {
    fn();
  } catch (err) {
    if (err instanceof WsusFault) return err;
    throw err;
  }
  throw new Error('expected a WsusFault');
}

const captured = loadExchanges().find((x) => x.name === 'wsus-m0/000141')!;
const ID = '81418b4e-82c1-48d0-9504-da01db6148ae';

describe('buildWsusFault', () => {
  it('reproduces the captured real WSUS fault byte for byte', () => {
    const built = buildWsusFault({
      errorCode: 'InvalidParameters',
      message: 'parameters.InstalledNonLeafUpdateIDs',
      method: 'SyncUpdates',
      id: ID,
    });
    expect(built).toBe(captured.responseBody);
    expect(skeletonText(built)).toBe(skeletonText(captured.responseBody));
  });

  it('echoes a raw Method text verbatim', () => {
    const method = `"${soapActionFor('GetCookie')}"`;
    const fault = faultOf(() =>
      parseWsusResponse(
        'GetCookie',
        buildWsusFault({ errorCode: 'CookieExpired', message: 'x', method, id: ID }),
      ),
    );
    expect(fault.method).toBe(method);
  });

  it.each(WSUS_ERROR_CODES.map((c) => [c]))(
    '%s round-trips through parseWsusResponse of every operation',
    (code) => {
      for (const op of WSUS_OPERATIONS) {
        const xml = buildWsusFault({ errorCode: code, message: `why <${code}> & more`, method: op, id: ID });
        expect(skeletonText(xml)).toBe(skeletonText(captured.responseBody));
        const fault = faultOf(() => parseWsusResponse(op, xml));
        expect(fault).toMatchObject({
          kind: 'wsus',
          errorCode: code,
          rawErrorCode: code,
          message: `why <${code}> & more`,
          id: ID,
          method: `"${soapActionFor(op)}"`,
          faultCode: 's:Client',
          faultString: 'Fault occurred',
        });
        expect(fault.name).toBe('WsusFault');
      }
    },
  );

  it('has exactly the 11 codes of [MS-WUSP] §2.2.2.4', () => {
    expect(WSUS_ERROR_CODES).toHaveLength(11);
    expect(new Set(WSUS_ERROR_CODES).size).toBe(11);
  });
});

describe('other faults', () => {
  it('recognises the WCF InternalServiceFault as a kind of its own, with no WSUS error code', () => {
    const xml = buildInternalServiceFault();
    expect(xml).toContain('a:InternalServiceFault');
    const fault = faultOf(() => parseWsusResponse('SyncUpdates', xml));
    expect(fault.kind).toBe('internal-service-fault');
    expect(fault.errorCode).toBeUndefined();
    expect(fault.faultCode).toBe('a:InternalServiceFault');
    expect(fault.message).toMatch(/unable to process the request due to an internal error/);
  });

  it('reads a hand-written WCF fault with another prefix and pretty-printing', () => {
    const xml = `<?xml version="1.0"?>
<env:Envelope xmlns:env="${NS_SOAP}">
  <env:Body>
    <env:Fault>
      <faultcode xmlns:d="http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher">d:InternalServiceFault</faultcode>
      <faultstring xml:lang="en-US">boom</faultstring>
    </env:Fault>
  </env:Body>
</env:Envelope>`;
    const fault = faultOf(() => parseWsusResponse('GetConfig', xml));
    expect(fault).toMatchObject({ kind: 'internal-service-fault', message: 'boom', faultString: 'boom' });
  });

  it('keeps an unknown ErrorCode as kind other with the raw text', () => {
    const xml = buildWsusFault({
      errorCode: 'ServerBusy',
      message: 'm',
      method: 'GetConfig',
      id: ID,
    }).replace('<ErrorCode>ServerBusy</ErrorCode>', '<ErrorCode>QuotaExceeded</ErrorCode>');
    const fault = faultOf(() => parseWsusResponse('GetConfig', xml));
    expect(fault).toMatchObject({
      kind: 'other',
      errorCode: undefined,
      rawErrorCode: 'QuotaExceeded',
      message: 'm',
    });
  });

  it('reads a bare SOAP fault without detail', () => {
    const xml = `<s:Envelope xmlns:s="${NS_SOAP}"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>Server was unable to process request.</faultstring></s:Fault></s:Body></s:Envelope>`;
    const fault = faultOf(() => parseWsusResponse('GetAuthorizationCookie', xml));
    expect(fault).toMatchObject({
      kind: 'other',
      faultCode: 's:Server',
      message: 'Server was unable to process request.',
      id: '',
    });
  });
});
