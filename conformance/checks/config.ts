// W-CONFIG, W-AUTH: GetConfig tells clients what they need. LastChange is a UTC timestamp; AuthInfo
// lists a plug-in a client can use (SimpleTargeting with a ServiceUrl, or Anonymous); ProtocolVersion and
// the configuration properties clients act on are there (MaxExtendedUpdatesPerRequest, a positive
// integer); and IsRegistrationRequired matches what the server does: true when an unregistered client
// gets RegistrationRequired, false when such a client is served.
import { parseWsusTime } from '../../protocol/wsus/index.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { authPlugInOf, WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  const config = responseOf(await probe.getConfig());
  const problems: string[] = [];
  const details: string[] = [];

  try {
    parseWsusTime(config.lastChange);
    details.push(
      `LastChange ${config.lastChange}${/(Z|[+-]\d\d:?\d\d)$/.test(config.lastChange) ? '' : ' (no zone: read as UTC, W-TIME)'}`,
    );
  } catch {
    problems.push(`LastChange ${JSON.stringify(config.lastChange)} is not a timestamp clients can read`);
  }
  const plugIn = authPlugInOf(config);
  if (plugIn.kind === 'none') problems.push(plugIn.why);
  else
    details.push(
      `AuthInfo: ${config.authPlugIns.map((p) => `${p.plugInId}${p.serviceUrl ? ` (${p.serviceUrl})` : ''}`).join(', ')}`,
    );

  const props = config.properties;
  if (!props.ProtocolVersion?.trim()) problems.push('GetConfig has no ProtocolVersion property');
  else details.push(`ProtocolVersion ${props.ProtocolVersion}`);
  const limit = Number(props.MaxExtendedUpdatesPerRequest);
  if (!Number.isInteger(limit) || limit <= 0) {
    problems.push(
      `MaxExtendedUpdatesPerRequest is ${JSON.stringify(props.MaxExtendedUpdatesPerRequest ?? null)}, expected a positive integer ` +
        '(clients batch GetExtendedUpdateInfo by it)',
    );
  } else details.push(`MaxExtendedUpdatesPerRequest ${limit}`);

  // IsRegistrationRequired against what the server does with a client that never registered.
  if (plugIn.kind !== 'none') {
    await probe.authorize();
    responseOf(await probe.getCookie());
    const unregistered = await probe.syncUpdates();
    const faultsRegistration = unregistered.fault?.errorCode === 'RegistrationRequired';
    const says = config.isRegistrationRequired;
    details.push(
      `IsRegistrationRequired=${says}; SyncUpdates without RegisterComputer: ${
        unregistered.response
          ? 'served'
          : `fault ${unregistered.fault?.errorCode ?? unregistered.fault?.rawErrorCode ?? '(no ErrorCode)'}`
      }`,
    );
    if (!says && faultsRegistration) {
      problems.push(
        'GetConfig says IsRegistrationRequired=false, yet SyncUpdates answers RegistrationRequired to a client that did not register ' +
          '(clients that trust GetConfig skip RegisterComputer and then fail every scan)',
      );
    } else if (says && unregistered.response) {
      problems.push(
        'GetConfig says IsRegistrationRequired=true, yet SyncUpdates serves a client that never registered',
      );
    }
  }
  if (problems.length > 0)
    return fail(`GetConfig does not tell clients what they need: ${problems.join('; ')}`, details);
  return pass(
    'GetConfig names a usable auth plug-in, ProtocolVersion and the properties clients act on, and tells the truth about registration',
    details,
  );
}

export const configCheck: ConformanceCheck = {
  id: 'wsus-config',
  title:
    'GetConfig content: usable AuthInfo, ProtocolVersion, MaxExtendedUpdatesPerRequest, truthful IsRegistrationRequired',
  rules: ['W-CONFIG', 'W-AUTH', 'W-TIME'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
