// XML fragments of catalog revisions in the shapes a real WSUS serves (see the wsus-m0-cbs samples and the
// SyncUpdates captures): "Core" (UpdateIdentity, Properties, Relationships, ApplicabilityRules), "Extended"
// (ExtendedProperties, Files, HandlerSpecificData) and "LocalizedProperties". Applicability follows the
// project convention: IsInstallable holds b.WindowsVersion BuildNumber rules (several builds in an <Or>);
// detectoids carry the rule under IsInstalled (a detectoid is "installed" on its build) and, so that clients
// reading the convention find it, under IsInstallable too.
import { escapeXml } from '../../protocol/xml.ts';
import type { CatalogFile } from './types.ts';

export const HANDLER_CBS = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Cbs';
export const HANDLER_CMD = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation';
export const HANDLER_CATEGORY = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category';
export const HANDLER_DRIVER = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver';

export interface Ref {
  updateId: string;
  revisionNumber: number;
}

export interface PrerequisiteRefs {
  all: string[];
  /** Groups of update GUIDs; `category` marks groups of categories (IsCategory="true" like real WSUS). */
  atLeastOne: { ids: string[]; category: boolean }[];
}

function identity(ref: Ref): string {
  return `<UpdateIdentity UpdateID="${ref.updateId}" RevisionNumber="${ref.revisionNumber}" />`;
}

function prerequisitesXml(p: PrerequisiteRefs): string {
  if (p.all.length === 0 && p.atLeastOne.length === 0) return '';
  let xml = '<Prerequisites>';
  for (const id of p.all) xml += `<UpdateIdentity UpdateID="${id}" />`;
  for (const group of p.atLeastOne) {
    xml += group.category ? '<AtLeastOne IsCategory="true">' : '<AtLeastOne>';
    for (const id of group.ids) xml += `<UpdateIdentity UpdateID="${id}" />`;
    xml += '</AtLeastOne>';
  }
  return `${xml}</Prerequisites>`;
}

/** The build rule of the convention: one b.WindowsVersion, or an <Or> of several. */
export function buildRule(builds: readonly number[]): string {
  const rules = builds.map(
    (b) => `<b.WindowsVersion Comparison="EqualTo" MajorVersion="10" MinorVersion="0" BuildNumber="${b}" />`,
  );
  return rules.length === 1 ? rules[0]! : `<Or>${rules.join('')}</Or>`;
}

export function categoryCore(self: Ref, prerequisites: PrerequisiteRefs): string {
  const rel = prerequisitesXml(prerequisites);
  return (
    `${identity(self)}<Properties UpdateType="Category" />` +
    (rel ? `<Relationships>${rel}</Relationships>` : '') +
    '<ApplicabilityRules><IsInstalled><True /></IsInstalled></ApplicabilityRules>'
  );
}

export function detectoidCore(self: Ref, prerequisites: PrerequisiteRefs, build: number): string {
  return (
    `${identity(self)}<Properties UpdateType="Detectoid" />` +
    `<Relationships>${prerequisitesXml(prerequisites)}</Relationships>` +
    `<ApplicabilityRules><IsInstalled>${buildRule([build])}</IsInstalled>` +
    `<IsInstallable>${buildRule([build])}</IsInstallable></ApplicabilityRules>`
  );
}

export interface SoftwareCoreInput {
  self: Ref;
  prerequisites: PrerequisiteRefs;
  builds: readonly number[];
  bundled?: readonly Ref[];
  superseded?: readonly string[];
  /** Leaf packages: CBS-style installed rule and package manifest metadata (the bulk of real core XML). */
  package?: { name: string; version: string; kb: string; releaseType: string };
}

export function softwareCore(input: SoftwareCoreInput): string {
  const bundle = input.bundled !== undefined;
  let rel = prerequisitesXml(input.prerequisites);
  if (input.bundled && input.bundled.length > 0)
    rel += `<BundledUpdates>${input.bundled.map(identity).join('')}</BundledUpdates>`;
  if (input.superseded && input.superseded.length > 0) {
    rel += `<SupersededUpdates>${input.superseded.map((id) => `<UpdateIdentity UpdateID="${id}" />`).join('')}</SupersededUpdates>`;
  }
  const props = bundle
    ? '<Properties UpdateType="Software" ExplicitlyDeployable="true" AutoSelectOnWebSites="true" />'
    : '<Properties UpdateType="Software" />';
  let rules = '<ApplicabilityRules>';
  if (input.package) {
    rules +=
      '<IsInstalled><And><CbsPackageInstalled /><Not><b.RegDword Key="HKEY_LOCAL_MACHINE" ' +
      'Subkey="SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing" Value="LCUReoffer" ' +
      'Comparison="EqualTo" Data="1" /></Not></And></IsInstalled>';
  }
  rules += `<IsInstallable>${buildRule(input.builds)}</IsInstallable>`;
  if (input.package) {
    const p = input.package;
    rules +=
      '<Metadata><CbsPackageApplicabilityMetadata><assembly xmlns="urn:schemas-microsoft-com:asm.v3" ' +
      `manifestVersion="1.0" description="Fix for KB${p.kb}" displayName="default" company="Microsoft Corporation" ` +
      `copyright="Microsoft Corporation" supportInformation="https://support.microsoft.com/help/${p.kb}">` +
      `<assemblyIdentity name="${escapeXml(p.name)}" version="${p.version}" processorArchitecture="amd64" ` +
      'language="neutral" publicKeyToken="31bf3856ad364e35" />' +
      `<package identifier="KB${p.kb}" releaseType="${escapeXml(p.releaseType)}" restart="possible"></package>` +
      '</assembly></CbsPackageApplicabilityMetadata></Metadata>';
  }
  rules += '</ApplicabilityRules>';
  return `${identity(input.self)}${props}<Relationships>${rel}</Relationships>${rules}`;
}

export function driverCore(
  self: Ref,
  prerequisites: PrerequisiteRefs,
  hardwareId: string,
  version: string,
): string {
  return (
    `${identity(self)}<Properties UpdateType="Driver" />` +
    `<Relationships>${prerequisitesXml(prerequisites)}</Relationships>` +
    `<ApplicabilityRules><IsInstallable><d.WindowsDriver HardwareID="${escapeXml(hardwareId)}" ` +
    `DriverVerDate="2024-03-01" DriverVerVersion="${version}" Class="Net" /></IsInstallable></ApplicabilityRules>`
  );
}

export function categoryExtended(categoryType: string): string {
  return (
    `<ExtendedProperties DefaultPropertiesLanguage="en" Handler="${HANDLER_CATEGORY}" />` +
    `<HandlerSpecificData type="cat:Category"><CategoryInformation CategoryType="${categoryType}" ` +
    'ProhibitsSubcategories="false" ProhibitsUpdates="false" /></HandlerSpecificData>'
  );
}

export function detectoidExtended(): string {
  return '<ExtendedProperties DefaultPropertiesLanguage="en" />';
}

export function bundleExtended(kb: string, severity: string | undefined, created: string): string {
  const msrc = severity ? ` MsrcSeverity="${severity}"` : '';
  return (
    `<ExtendedProperties DefaultPropertiesLanguage="en" CreationDate="${created}" IsPublic="false"${msrc} ` +
    'PublicationState="Published"><InstallationBehavior RebootBehavior="CanRequestReboot" />' +
    `<UninstallationBehavior /></ExtendedProperties><KBArticleID>${kb}</KBArticleID>`
  );
}

export function fileExtended(handler: string, files: readonly CatalogFile[], modified: string): string {
  const total = files.reduce((n, f) => n + f.size, 0);
  let xml =
    `<ExtendedProperties DefaultPropertiesLanguage="en" Handler="${handler}" MaxDownloadSize="${total}" ` +
    'MinDownloadSize="0"><InstallationBehavior RebootBehavior="CanRequestReboot" /></ExtendedProperties><Files>';
  for (const f of files) {
    xml +=
      `<File Digest="${f.sha1.toString('base64')}" DigestAlgorithm="SHA1" FileName="${escapeXml(f.fileName)}" ` +
      `Size="${f.size}" Modified="${modified}" PatchingType="SelfContained">` +
      `<AdditionalDigest Algorithm="SHA256">${f.sha256.toString('base64')}</AdditionalDigest></File>`;
  }
  xml += '</Files>';
  if (handler === HANDLER_CMD) {
    const program = escapeXml(files[0]?.fileName ?? 'setup.exe');
    xml +=
      `<HandlerSpecificData type="cmd:CommandLineInstallation"><InstallCommand Program="${program}" Arguments="/q">` +
      '<ReturnCode Code="0" Result="Succeeded" /></InstallCommand></HandlerSpecificData>';
  } else if (handler === HANDLER_DRIVER) {
    xml += '<HandlerSpecificData type="drv:WindowsDriverMetaData" />';
  } else {
    xml += '<HandlerSpecificData type="cbs:Cbs"><CbsData PackageIdentity="" /></HandlerSpecificData>';
  }
  return xml;
}

export function localized(title: string, description: string, kb?: string): string {
  let xml = `<LocalizedProperties><Language>en</Language><Title>${escapeXml(title)}</Title>`;
  xml += `<Description>${escapeXml(description)}</Description>`;
  if (kb) {
    xml +=
      '<UninstallNotes>This software update can be removed by selecting View installed updates in the Programs ' +
      'and Features Control Panel.</UninstallNotes>' +
      `<MoreInfoUrl>https://support.microsoft.com/help/${kb}</MoreInfoUrl>` +
      '<SupportUrl>https://support.microsoft.com</SupportUrl>';
  }
  return `${xml}</LocalizedProperties>`;
}
