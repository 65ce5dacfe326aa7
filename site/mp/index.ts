// The reference site's management point: anonymous .sms_aut documents, policy bodies, and CCM_POST
// messaging (registration, policy assignments, WSUS and content location, state-message relay) over one
// shared model, with the state system (inbox, processor, compliance) behind the relay.
import { buildMpKeyInformation, buildMpList, MP_AUT_PATH, MP_POLICY_PATH } from '../../protocol/mp/index.ts';
import type { SiteModel } from '../model.ts';
import {
  type BacklogSnapshot,
  type ComplianceSnapshot,
  type DeploymentCompliance,
  type ProcessorOptions,
  StateSystem,
} from '../statemsg/index.ts';
import type { FrontEndHandler, SiteReply, SiteRequest } from '../types.ts';
import { handleCcmPost } from './ccm-handler.ts';
import { isCcmPath } from './ccm-request.ts';
import { METHOD_NOT_ALLOWED, NOT_FOUND, SERVICE_UNAVAILABLE, xmlReply } from './http-replies.ts';
import type { SupUrls } from './locations.ts';
import { type MpOperation, mpOperationOf } from './operations.ts';
import { PolicyCatalog } from './policies.ts';
import { RegistrationTable } from './registrations.ts';

export type {
  BacklogSnapshot,
  ComplianceSnapshot,
  DeploymentCompliance,
  ProcessorOptions,
} from '../statemsg/index.ts';
export type { SupUrls } from './locations.ts';
export type { MpOperation } from './operations.ts';

/** Build number the MP reports in MPLIST (5.00.9128 = ConfigMgr 2403). */
export const MP_BUILD = 9128;

export interface MpFrontEndOptions {
  processor?: ProcessorOptions;
}

export interface MpSnapshot {
  /** Distinct clients registered, and registration requests answered (re-registrations included). */
  registrations: number;
  registrationRequests: number;
  /** Requests answered 400/404/405/500 for bad input, by reason ('multipart', 'zlib', 'unknown-endpoint'...). */
  refused: Record<string, number>;
  backlog: BacklogSnapshot;
  compliance: ComplianceSnapshot;
}

export interface MpFrontEnd extends FrontEndHandler {
  readonly states: StateSystem;
  readonly registrations: RegistrationTable;
  snapshot(): MpSnapshot;
  /** The state-message backlog alone (cheap: no per-update walk). */
  backlog(): BacklogSnapshot;
  compliance(): ComplianceSnapshot;
  /** Per-deployment compliance from processed topic-300/301 messages. */
  deploymentCompliance(): DeploymentCompliance[];
  /** Stops the processor's timer (the inbox keeps its content). */
  stop(): void;
}

export function createMpFrontEnd(
  model: SiteModel,
  supUrls: () => SupUrls,
  options: MpFrontEndOptions = {},
): MpFrontEnd {
  const states = new StateSystem(model, options.processor ?? {});
  const registrations = new RegistrationTable(model.config.siteCode);
  // The version of the last catalog the site "synced"; the 'stale-catalog-version' violation keeps
  // announcing the version the MP started with, like a site whose sync keeps failing.
  const startVersion = model.catalog.version;
  // 'catalog-version-churn' adds one to the advertised version on every policy-assignment and WSUS
  // location request, though nothing was published (a policy body fetch reads the current value, so it
  // still matches the assignment it follows).
  let churn = 0;
  const contentVersion = () =>
    model.violations.has('stale-catalog-version') ? startVersion : model.catalog.version + churn;
  const versionAsked = () => {
    if (model.violations.has('catalog-version-churn')) churn += 1;
  };
  const policies = new PolicyCatalog(model, () => Object.values(supUrls()), contentVersion);
  const refused: Record<string, number> = {};
  const refuse = (reason: string) => {
    refused[reason] = (refused[reason] ?? 0) + 1;
  };
  const ccm = { model, registrations, policies, states, supUrls, contentVersion, versionAsked, refuse };

  const handleGet = (req: SiteRequest, op: MpOperation): SiteReply => {
    const { config } = model;
    if (op === 'MPLIST') {
      const name = config.hostName.split('.')[0]!.toUpperCase();
      const mps = [{ name, fqdn: config.hostName, siteCode: config.siteCode, version: MP_BUILD }];
      return xmlReply(buildMpList({ mps }));
    }
    if (op === 'MPKEYINFORMATION') {
      return xmlReply(buildMpKeyInformation({ fqdn: config.hostName, siteCode: config.siteCode, keys: {} }));
    }
    if (op === 'PolicyBody') {
      const doc = policies.body(req.url.search);
      if (doc === undefined) {
        refuse('unknown-policy');
        return NOT_FOUND;
      }
      return { status: 200, headers: { 'content-type': 'text/xml; charset=UTF-16' }, body: doc.body };
    }
    refuse('unknown-path');
    return NOT_FOUND;
  };

  return {
    frontEnd: 'mp',
    states,
    registrations,
    operationOf: mpOperationOf,
    handle(req) {
      if (isCcmPath(req)) {
        if (req.method === 'CCM_POST') return handleCcmPost(ccm, req);
        refuse('method');
        return METHOD_NOT_ALLOWED;
      }
      if (req.method === 'GET' || req.method === 'HEAD') return handleGet(req, mpOperationOf(req));
      const path = req.url.pathname.toLowerCase();
      const known = path === MP_AUT_PATH.toLowerCase() || path === MP_POLICY_PATH.toLowerCase();
      refuse(known ? 'method' : 'unknown-path');
      return known ? METHOD_NOT_ALLOWED : NOT_FOUND;
    },
    busyReply: () => SERVICE_UNAVAILABLE,
    snapshot: () => ({
      registrations: registrations.count,
      registrationRequests: registrations.requests,
      refused: { ...refused },
      backlog: states.backlog(),
      compliance: states.complianceSnapshot(),
    }),
    backlog: () => states.backlog(),
    compliance: () => states.complianceSnapshot(),
    deploymentCompliance: () => states.deploymentCompliance(),
    stop: () => states.stop(),
  };
}
