// The update "streams" of the reference catalog: monthly cumulative updates per servicing group, .NET
// rollups, servicing stacks, Defender intelligence (several a day), MSRT and dynamic updates. Each release of
// a stream is one bundle (what admins deploy) that bundles one or more leaf packages (what carries files)
// and supersedes the stream's earlier releases, as in a real WSUS catalog.
import { type OsBuild, servicingGroups } from './builds.ts';
import { HANDLER_CBS, HANDLER_CMD } from './fragments.ts';

export type Classification = 'Security Updates' | 'Critical Updates' | 'Updates' | 'Definition Updates';

export const CLASSIFICATIONS: readonly Classification[] = [
  'Security Updates',
  'Critical Updates',
  'Updates',
  'Definition Updates',
];

export interface ReleaseContext {
  /** 0-based release number within the stream. */
  n: number;
  /** Release date (epoch ms). */
  at: number;
  kb: string;
  builds: readonly OsBuild[];
}

export interface LeafTemplate {
  handler: string;
  fileName(ctx: ReleaseContext): string;
  /** CBS package identity for the core fragment's applicability metadata (CBS handler only). */
  packageName?: string;
}

export interface Stream {
  key: string;
  classification: Classification;
  builds: readonly OsBuild[];
  /** Relative share of the catalog's leaf updates. */
  weight: number;
  periodMs: number;
  severity?: string;
  /** Fixed KB (Defender and MSRT reuse one KB for every release). */
  fixedKb?: string;
  leafs: readonly LeafTemplate[];
  title(ctx: ReleaseContext): string;
  description: string;
}

const DAY = 86_400_000;

function yearMonth(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

function labelOf(builds: readonly OsBuild[]): string {
  if (builds.length === 1) return builds[0]!.label;
  const first = builds[0]!.label;
  const stem = first.replace(/ \S+$/, '');
  return `${stem} ${builds.map((b) => b.label.split(' ').pop()).join(' and ')}`;
}

function osFilePrefix(builds: readonly OsBuild[]): string {
  return builds[0]!.build >= 22000 && !builds[0]!.server ? 'windows11.0' : 'windows10.0';
}

/** Every stream of a catalog over these builds. */
export function streamsFor(builds: readonly OsBuild[]): Stream[] {
  const streams: Stream[] = [];
  for (const group of servicingGroups(builds)) {
    const label = labelOf(group);
    const prefix = osFilePrefix(group);
    streams.push({
      key: `cu-${group[0]!.build}`,
      classification: 'Security Updates',
      builds: group,
      weight: 2,
      periodMs: 30 * DAY,
      severity: 'Critical',
      leafs: [
        {
          handler: HANDLER_CBS,
          packageName: 'Package_for_RollupFix',
          fileName: (c) => `${prefix}-kb${c.kb}-x64.msu`,
        },
        {
          handler: HANDLER_CBS,
          packageName: 'Package_for_ServicingStack',
          fileName: (c) => `ssu-kb${c.kb}-x64.cab`,
        },
      ],
      title: (c) => `${yearMonth(c.at)} Cumulative Update for ${label} for x64-based Systems (KB${c.kb})`,
      description:
        'Install this update to resolve issues in Windows. For a complete listing of the issues that are included ' +
        'in this update, see the associated Microsoft Knowledge Base article for more information. After you ' +
        'install this item, you may have to restart your computer.',
    });
    streams.push({
      key: `dotnet-${group[0]!.build}`,
      classification: 'Security Updates',
      builds: group,
      weight: 1.5,
      periodMs: 30 * DAY,
      severity: 'Important',
      leafs: [
        {
          handler: HANDLER_CBS,
          packageName: 'Package_for_DotNetRollup_481',
          fileName: (c) => `ndp481-kb${c.kb}-x64.cab`,
        },
        {
          handler: HANDLER_CBS,
          packageName: 'Package_for_DotNetRollup',
          fileName: (c) => `ndp35-kb${c.kb}-x64.cab`,
        },
      ],
      title: (c) =>
        `${yearMonth(c.at)} Cumulative Update for .NET Framework 3.5 and 4.8.1 for ${label} for x64 (KB${c.kb})`,
      description:
        'A security issue has been identified in a Microsoft software product that could affect your system. You ' +
        'can help protect your system by installing this update from Microsoft. After you install this update, ' +
        'you may have to restart your system.',
    });
  }
  for (const b of builds.filter((x) => x.server || x.build === 19045)) {
    streams.push({
      key: `ssu-${b.build}`,
      classification: 'Critical Updates',
      builds: [b],
      weight: 0.5,
      periodMs: 60 * DAY,
      leafs: [
        {
          handler: HANDLER_CBS,
          packageName: 'Package_for_ServicingStack',
          fileName: (c) => `ssu-kb${c.kb}-x64.cab`,
        },
      ],
      title: (c) =>
        `${yearMonth(c.at)} Servicing Stack Update for ${b.label} for x64-based Systems (KB${c.kb})`,
      description:
        'Install this update to resolve issues in the Windows servicing stack. After you install this item, you ' +
        'may have to restart your computer.',
    });
  }
  for (const b of builds.filter((x) => !x.server)) {
    streams.push({
      key: `dynamic-${b.build}`,
      classification: 'Updates',
      builds: [b],
      weight: 1,
      periodMs: 30 * DAY,
      leafs: [
        {
          handler: HANDLER_CBS,
          packageName: 'Package_for_SafeOSDU',
          fileName: (c) => `windows10.0-kb${c.kb}-x64.cab`,
        },
      ],
      title: (c) => `${yearMonth(c.at)} Dynamic Update for ${b.label} for x64-based Systems (KB${c.kb})`,
      description:
        'Install this update to improve the setup and recovery experience of Windows. This update is applied ' +
        'to the Windows recovery environment and to the installation media during an upgrade.',
    });
  }
  streams.push({
    key: 'defender',
    classification: 'Definition Updates',
    builds,
    weight: 20,
    periodMs: DAY / 3,
    fixedKb: '2267602',
    leafs: [{ handler: HANDLER_CMD, fileName: () => 'AM_Delta.exe' }],
    title: (c) =>
      `Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.${400 + Math.floor(c.n / 8)}.${c.n % 8}.0)`,
    description:
      'Install this update to revise the files that are used to detect viruses, spyware, and other potentially ' +
      'unwanted software. Once you have installed this item, it cannot be removed.',
  });
  streams.push({
    key: 'msrt',
    classification: 'Updates',
    builds,
    weight: 1,
    periodMs: 30 * DAY,
    fixedKb: '890830',
    leafs: [{ handler: HANDLER_CMD, fileName: (c) => `Windows-KB890830-x64-V5.${100 + c.n}.exe` }],
    title: (c) => `Windows Malicious Software Removal Tool x64 - v5.${100 + c.n} (KB890830)`,
    description:
      'After the download, this tool runs one time to check your computer for infection by specific, prevalent ' +
      'malicious software (including Blaster, Sasser, and Mydoom) and helps remove any infection that is found.',
  });
  return streams;
}
