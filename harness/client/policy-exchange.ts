// A machine policy poll: RequestAssignments, then a GET of each policy body this client does not have
// yet (the Software Updates settings before updates are enabled, an UpdateSource with a new content
// version, deployments it has not received), D-POLICY. Bodies are parsed once per shard (PolicyState).
import { Flag } from '../fleet/index.ts';
import {
  decodePolicyBody,
  type PolicyAssignment,
  parsePolicyBody,
  parseReplyAssignments,
} from '../../protocol/mp/index.ts';
import type { ClientRequest, ClientReply } from './request.ts';
import type { AdapterContext, Exchange, ExchangeStep } from './exchange.ts';
import { unusableReplyKind } from './reply-errors.ts';
import { endStep, readCcmReply, smsIdOf } from './mp-exchanges.ts';
import { assignmentsBody, ccmAction, Endpoints, policyBodyAction } from './mp-requests.ts';

const FAILED: ExchangeStep = { done: { kind: 'policy-result', ok: false } };

/**
 * Every client of a site gets the same ReplyAssignments text until a deployment or catalog version
 * changes, so a worker parses each distinct text once (the XML parse was a third of a poll's CPU).
 * The parsed list is shared read-only between the clients' exchanges.
 */
let lastReply: { text: string; assignments: readonly PolicyAssignment[] } | undefined;

function assignmentsOf(text: string): readonly PolicyAssignment[] {
  if (lastReply?.text !== text) lastReply = { text, assignments: parseReplyAssignments(text).assignments };
  return lastReply.assignments;
}

export class PolicyExchange implements Exchange {
  #assignments: readonly PolicyAssignment[] = [];
  #wanted: PolicyAssignment[] = [];
  #at = 0;

  constructor(
    readonly ctx: AdapterContext,
    readonly client: number,
  ) {}

  start(now: number): ExchangeStep {
    const { ctx } = this;
    const id = ctx.fleet.identity(this.client);
    const smsId = smsIdOf(ctx, this.client);
    const body = assignmentsBody(ctx.mp, smsId, id.hostName, id.dnsName);
    const sender = { smsId, netbiosName: id.hostName };
    return {
      actions: [ccmAction(ctx, 'mp.policy.assignments', Endpoints.PolicyManager, sender, body, now, this)],
    };
  }

  reply(action: ClientRequest, reply: ClientReply): ExchangeStep {
    if (action.operation === 'mp.policy.assignments') {
      const r = readCcmReply(this.ctx, reply, assignmentsOf);
      if (!r.ok) return endStep(FAILED.done!, r.unusable);
      this.#assignments = r.value;
      this.#wanted = this.#assignments.filter((a) => this.#needs(a));
      return this.#next();
    }
    if (reply.status !== 200) return FAILED;
    const assignment = this.#wanted[this.#at - 1]!;
    const { policy, knowledge, fleet } = this.ctx;
    if (policy.body(assignment) === undefined) {
      try {
        policy.remember(assignment, parsePolicyBody(decodePolicyBody(reply.body)), knowledge, fleet.catalog);
      } catch (err) {
        return endStep(FAILED.done!, unusableReplyKind(err));
      }
    }
    return this.#next();
  }

  failure(): ExchangeStep {
    return FAILED;
  }

  #next(): ExchangeStep {
    const a = this.#wanted[this.#at++];
    if (a) return { actions: [policyBodyAction(this.ctx, a.policyLocation, this)] };
    return { done: this.#result() };
  }

  /** Whether this client lacks the body (a real client compares hashes with its policy store). */
  #needs(a: PolicyAssignment): boolean {
    const { policy, fleet } = this.ctx;
    const c = fleet.client(this.client);
    const known = policy.body(a);
    switch (a.policyCategory) {
      case 'Machine':
        return !c.has(Flag.UpdatesEnabled);
      case 'UpdateSource':
        return known?.kind !== 'update-source' || known.policy.contentVersion !== c.policyCatalogVersion;
      case 'SoftwareUpdates': {
        const index = policy.deploymentIndex(a);
        return index === undefined || index >= c.deploymentsSeen;
      }
      default:
        return false;
    }
  }

  #result() {
    const { policy, fleet } = this.ctx;
    const c = fleet.client(this.client);
    let enabled = c.has(Flag.UpdatesEnabled);
    let catalogVersion = c.policyCatalogVersion;
    let deploymentCount = 0;
    for (const a of this.#assignments) {
      const body = policy.body(a);
      if (body?.kind === 'sum-settings') enabled = body.policy.enabled;
      else if (body?.kind === 'update-source') catalogVersion = body.policy.contentVersion;
      const index = policy.deploymentIndex(a);
      if (index !== undefined) deploymentCount = Math.max(deploymentCount, index + 1);
    }
    return {
      kind: 'policy-result' as const,
      ok: true as const,
      softwareUpdatesEnabled: enabled,
      catalogVersion,
      deploymentCount,
    };
  }
}
