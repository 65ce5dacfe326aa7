// Every operation's codec, keyed by operation name.
import type { WsusOperation } from '../namespaces.ts';
import type { OpCodec } from './codec.ts';
import { getAuthorizationCookieCodec } from './get-authorization-cookie.ts';
import { getConfigCodec } from './get-config.ts';
import { getCookieCodec } from './get-cookie.ts';
import { getExtendedUpdateInfoCodec } from './get-extended-update-info.ts';
import { getFileLocationsCodec } from './get-file-locations.ts';
import { refreshCacheCodec } from './refresh-cache.ts';
import { registerComputerCodec } from './register-computer.ts';
import { reportEventBatchCodec } from './report-event-batch.ts';
import { startCategoryScanCodec } from './start-category-scan.ts';
import { syncUpdatesCodec } from './sync-updates.ts';

export const CODECS: { readonly [O in WsusOperation]: OpCodec<O> } = {
  GetConfig: getConfigCodec,
  GetAuthorizationCookie: getAuthorizationCookieCodec,
  GetCookie: getCookieCodec,
  RegisterComputer: registerComputerCodec,
  SyncUpdates: syncUpdatesCodec,
  GetExtendedUpdateInfo: getExtendedUpdateInfoCodec,
  GetFileLocations: getFileLocationsCodec,
  RefreshCache: refreshCacheCodec,
  StartCategoryScan: startCategoryScanCodec,
  ReportEventBatch: reportEventBatchCodec,
};
