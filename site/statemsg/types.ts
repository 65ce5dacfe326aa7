// The site-side view of a state message: only what the state system needs to track serials and
// compliance. The MP converts each parsed protocol report (protocol/mp StateMessageReport) into this
// shape when it accepts the post, so the inbox never holds XML or protocol objects.
import { TopicType } from '../../protocol/mp/state-codes.ts';

/** Topic type 500: per-update detection state (TopicID = update GUID). */
export const TOPIC_UPDATE_DETECTION = TopicType.SumUpdateDetection;
/** Topic types 300/301: deployment (assignment) compliance and enforcement (TopicID = assignment id). */
export const TOPIC_ASSIGNMENT_COMPLIANCE = TopicType.SumAssignmentCompliance;
export const TOPIC_ASSIGNMENT_ENFORCEMENT = TopicType.SumAssignmentEnforcement;

/** State ids of topic 500 (behaviour.md M-TOPIC). */
export const DETECTION_STATES = { notRequired: 1, required: 2, installed: 3 } as const;

export type ComplianceState = 'required' | 'notRequired' | 'installed';

export interface InboundMessage {
  serialNumber: number;
  /** Client-side time of the message, epoch ms. */
  messageTime: number;
  topicType: number;
  /** For topic 500 the update GUID, for 300/301 the assignment id (compared case-insensitively). */
  topicId: string;
  stateId: number;
}

export interface InboundReport {
  /** "GUID:..." as the client sends it. */
  clientId: string;
  messages: readonly InboundMessage[];
}

/**
 * A report kept in its wire form until the processor reaches it, like the .SMX file MP_Relay drops for
 * StateSys: accepting costs no XML parse, and a waiting report holds only its compressed bytes.
 */
export interface DeferredReport {
  clientId: string;
  /** Messages the report carries, counted when it was accepted. */
  messageCount: number;
  /** Parses the report; throws for a corrupt one (which the processor sets aside, counted). */
  load(): readonly InboundMessage[];
}

/** Compliance counts for one update or summed over all of them. */
export type { ComplianceCounts } from '../../protocol/observer.ts';
