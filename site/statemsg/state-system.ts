// The site's state system in one object: the inbox the MP drops reports into, the rate-limited
// processor, serial/gap tracking and the compliance store, plus the snapshot the observer shows.
import type { Catalog } from '../catalog/types.ts';
import type { SiteModel } from '../model.ts';
import { ComplianceStore } from './compliance.ts';
import { type DeploymentCompliance, DeploymentComplianceStore } from './deployment-compliance.ts';
import { StateMessageInbox } from './inbox.ts';
import { type ProcessorOptions, StateMessageProcessor } from './processor.ts';
import { SerialTracker } from './serials.ts';
import type { ObserverBacklog, ObserverCompliance } from '../../protocol/observer.ts';
import type { ComplianceCounts, DeferredReport, InboundReport } from './types.ts';

/** How many client ids a snapshot lists by name (the count is always exact). */
const LISTED_RESYNC_CLIENTS = 100;

// What GET /api/backlog and /api/compliance answer: defined once in protocol/observer.ts for every reader.
export type BacklogSnapshot = ObserverBacklog;
export type ComplianceSnapshot = ObserverCompliance;

/** 'busy': refused, no advice (the violation); 'back-pressure': refused, retry after the configured
 *  delay (processor option backPressure). */
export type AcceptVerdict = 'accepted' | 'busy' | 'back-pressure';

export class StateSystem {
  readonly inbox = new StateMessageInbox();
  readonly serials = new SerialTracker();
  readonly compliance = new ComplianceStore();
  readonly deployments = new DeploymentComplianceStore();
  readonly processor: StateMessageProcessor;
  readonly #model: SiteModel;
  #rejected = 0;
  #backPressureReplies = 0;

  constructor(model: SiteModel, options: ProcessorOptions = {}) {
    this.#model = model;
    this.processor = new StateMessageProcessor(
      {
        clock: model.clock,
        violations: model.violations,
        inbox: this.inbox,
        serials: this.serials,
        compliance: this.compliance,
        deployments: this.deployments,
      },
      options,
    );
  }

  /** A registered client is known to the site, so it counts as Unknown until its messages load. */
  noteClient(clientId: string): void {
    this.compliance.noteClient(clientId);
  }

  /** O(1): queue the report (the MP answers the post at once). */
  accept(report: InboundReport | DeferredReport): AcceptVerdict {
    const { violations, clock } = this.#model;
    const opts = this.processor.options;
    if (violations.has('reject-when-backlogged') && this.inbox.depthMessages > opts.backlogRejectThreshold) {
      this.#rejected += 1;
      return 'busy';
    }
    const backPressure = opts.backPressure;
    if (backPressure !== undefined && this.inbox.depthMessages > backPressure.depth) {
      this.#backPressureReplies += 1;
      return 'back-pressure';
    }
    // M-BACKLOG: a client whose messages wait is known to the site, so it counts as Unknown until they
    // load. The violation forgets waiting clients until their messages are processed.
    if (!violations.has('no-unknown-while-waiting')) this.compliance.noteClient(report.clientId);
    const nth = this.inbox.acceptedReports + 1;
    if (violations.has('drop-state-messages') && nth % opts.dropEveryNthReport === 0) {
      this.inbox.acceptAndLose(report);
    } else {
      this.inbox.accept(report, clock.now());
    }
    return 'accepted';
  }

  backlog(): BacklogSnapshot {
    this.processor.step();
    const now = this.#model.clock.now();
    const oldest = this.inbox.oldestAcceptedAt();
    const resync = this.serials.clientsNeedingResync(
      now,
      this.processor.options.minMissingMessageAgeMinutes * 60_000,
    );
    return {
      depth: this.inbox.depthMessages,
      depthReports: this.inbox.depthReports,
      oldestAgeMs: oldest === undefined ? 0 : Math.max(0, now - oldest),
      processedPerMinute: this.processor.processedPerMinute(now),
      capacityPerMinute: this.processor.ratePerMinute,
      acceptedReports: this.inbox.acceptedReports,
      accepted: this.inbox.acceptedMessages,
      processed: this.processor.processed,
      duplicates: this.processor.duplicates,
      gaps: this.serials.gapsDetected,
      missingMessages: this.serials.missingMessagesDetected,
      openMissingMessages: this.serials.openMissingMessages(),
      clientsWithGaps: this.serials.clientsWithGaps,
      lateFills: this.processor.lateFills,
      resyncClients: resync.length,
      resyncClientIds: resync.slice(0, LISTED_RESYNC_CLIENTS),
      rejectedReports: this.#rejected,
      backPressureReplies: this.#backPressureReplies,
      corruptReports: this.inbox.corruptReports,
      corruptMessages: this.inbox.corruptMessages,
    };
  }

  /** Compliance for every software update of the catalog (leaf and bundle) and any other reported id. */
  complianceSnapshot(): ComplianceSnapshot {
    this.processor.step();
    const perUpdate: Record<string, ComplianceCounts> = {};
    const overall: ComplianceCounts = { required: 0, notRequired: 0, installed: 0, unknown: 0 };
    const add = (updateId: string) => {
      if (perUpdate[updateId]) return;
      const c = this.compliance.countsFor(updateId);
      perUpdate[updateId] = c;
      overall.required += c.required;
      overall.notRequired += c.notRequired;
      overall.installed += c.installed;
      overall.unknown += c.unknown;
    };
    for (const u of reportableUpdates(this.#model.catalog)) add(u);
    for (const u of this.compliance.reportedUpdateIds()) add(u);
    return { knownClients: this.compliance.knownClients, overall, perUpdate };
  }

  /**
   * Per deployment, the clients the site knows (targeted: the reference site deploys to All Systems) by
   * the status their latest processed 300/301 message says; Unknown without one (M-BACKLOG).
   */
  deploymentCompliance(): DeploymentCompliance[] {
    this.processor.step();
    const targeted = this.compliance.knownClients;
    return this.#model.deployments.list().map((d) => this.deployments.figure(d, targeted));
  }

  stop(): void {
    this.processor.stop();
  }
}

/** Updates a client reports detection state for: software updates, not categories or detectoids. */
function reportableUpdates(catalog: Catalog): string[] {
  const out: string[] = [];
  for (const u of catalog.updates) if (u.kind === 'leaf' || u.kind === 'bundle') out.push(u.updateId);
  return out;
}
