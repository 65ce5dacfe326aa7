// A registered machine at the management point, and what it learns from policy: the site code (from
// MPKEYINFORMATION), the UpdateSource policy (update source id, content version, SUP URLs) and the
// WSUS location reply for that version. Checks that compare "what the MP says" with "what the SUP
// does" start here.
import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../../harness/driver/http.ts';
import { MpClient } from '../../harness/driver/mp-client.ts';
import type { UpdateSourcePolicy, WsusLocationReply } from '../../protocol/mp/index.ts';

export interface MpProbe {
  client: MpClient;
  siteCode: string;
}

/** Registers a fresh machine (its own SMSID, so its state messages and compliance are its own). */
export async function registerMachine(http: HttpClient, mp: URL, now?: () => number): Promise<MpProbe> {
  const bootstrap = new MpClient(http, {
    mpUrl: mp.origin,
    siteCode: '',
    machine: { netbiosName: 'PSPROBE', fqdn: 'psprobe.patchstorm.test' },
  });
  const { siteCode } = await bootstrap.mpKeyInformation();
  const name = `PS${randomUUID().slice(0, 8).toUpperCase()}`;
  const client = new MpClient(http, {
    mpUrl: mp.origin,
    siteCode,
    machine: { netbiosName: name, fqdn: `${name.toLowerCase()}.patchstorm.test` },
    now,
  });
  await client.register();
  return { client, siteCode };
}

/** The UpdateSource policy the machine receives, or an error saying the MP assigned none. */
export async function updateSourcePolicy(probe: MpProbe): Promise<UpdateSourcePolicy> {
  const reply = await probe.client.requestAssignments();
  const assignment = reply.assignments.find((a) => a.policyCategory.toLowerCase() === 'updatesource');
  if (!assignment) {
    const categories = reply.assignments.map((a) => a.policyCategory).join(', ') || 'none';
    throw new Error(`the MP assigned no UpdateSource policy (policy categories received: ${categories})`);
  }
  const body = await probe.client.getPolicyBody(assignment);
  if (body.kind !== 'update-source') {
    throw new Error(
      `the UpdateSource assignment ${assignment.policyId} delivered a ${body.kind} policy body`,
    );
  }
  return body.policy;
}

export async function wsusLocation(probe: MpProbe, policy: UpdateSourcePolicy): Promise<WsusLocationReply> {
  return probe.client.wsusLocation(policy.updateSourceId, policy.contentVersion);
}
