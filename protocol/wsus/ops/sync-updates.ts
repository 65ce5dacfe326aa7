// SyncUpdates: the scan itself (software pages and the driver pass).
import type { XmlNode } from '../../xml.ts';
import type { ProductsParameters, SyncUpdatesRequest, SyncUpdatesResponse } from '../types.ts';
import {
  elements,
  optBool,
  optElement,
  optIntList,
  optText,
  optTextList,
  reqBool,
  reqElement,
} from '../xml-read.ts';
import { el, optIntsEl, optListEl, optTextEl, textEl } from '../xml-write.ts';
import { readCookie, readUpdateInfos, writeCookie, writeUpdateInfo } from './common.ts';
import { readDevice, writeDevice } from './device.ts';
import type { OpCodec } from './codec.ts';

function writeParameters(p: SyncUpdatesRequest): string {
  let systemSpec = '';
  if (p.systemSpec) {
    for (const d of p.systemSpec) systemSpec += writeDevice(d);
    systemSpec = el('SystemSpec', systemSpec);
  }
  let filter = '';
  if (p.filterCategoryIds) {
    for (const id of p.filterCategoryIds) filter += el('CategoryIdentifier', textEl('Id', id));
    filter = el('FilterCategoryIds', filter);
  }
  const spec = p.computerSpec
    ? el('ComputerSpec', optListEl('HardwareIDs', 'guid', p.computerSpec.hardwareIds))
    : '';
  const products = p.productsParameters ? writeProducts(p.productsParameters) : '';
  return el(
    'parameters',
    textEl('ExpressQuery', p.expressQuery) +
      optIntsEl('InstalledNonLeafUpdateIDs', p.installedNonLeafUpdateIds) +
      optIntsEl('OtherCachedUpdateIDs', p.otherCachedUpdateIds) +
      systemSpec +
      optIntsEl('CachedDriverIDs', p.cachedDriverIds) +
      textEl('SkipSoftwareSync', p.skipSoftwareSync) +
      filter +
      optTextEl('NeedTwoGroupOutOfScopeUpdates', p.needTwoGroupOutOfScopeUpdates) +
      optTextEl('AlsoPerformRegularSync', p.alsoPerformRegularSync) +
      spec +
      optTextEl('FeatureScoreMatchingKey', p.featureScoreMatchingKey) +
      products,
  );
}

function writeProducts(p: ProductsParameters): string {
  return el(
    'ProductsParameters',
    textEl('SyncCurrentVersionOnly', p.syncCurrentVersionOnly) +
      optTextEl('DeviceAttributes', p.deviceAttributes) +
      optTextEl('CallerAttributes', p.callerAttributes) +
      optTextEl('Products', p.products),
  );
}

function readParameters(node: XmlNode, cookie: SyncUpdatesRequest['cookie']): SyncUpdatesRequest {
  const where = 'SyncUpdates/parameters';
  const req: SyncUpdatesRequest = {
    cookie,
    expressQuery: reqBool(node, 'ExpressQuery', where),
    skipSoftwareSync: reqBool(node, 'SkipSoftwareSync', where),
  };
  const installed = optIntList(node, 'InstalledNonLeafUpdateIDs', where);
  if (installed !== undefined) req.installedNonLeafUpdateIds = installed;
  const other = optIntList(node, 'OtherCachedUpdateIDs', where);
  if (other !== undefined) req.otherCachedUpdateIds = other;
  const spec = optElement(node, 'SystemSpec');
  if (spec)
    req.systemSpec = elements(spec, 'Device').map((d, i) =>
      readDevice(d, `${where}/SystemSpec/Device[${i}]`),
    );
  const drivers = optIntList(node, 'CachedDriverIDs', where);
  if (drivers !== undefined) req.cachedDriverIds = drivers;
  const filter = optElement(node, 'FilterCategoryIds');
  if (filter) {
    req.filterCategoryIds = elements(filter, 'CategoryIdentifier').map((c) => optText(c, 'Id') ?? '');
  }
  const twoGroup = optBool(node, 'NeedTwoGroupOutOfScopeUpdates', where);
  if (twoGroup !== undefined) req.needTwoGroupOutOfScopeUpdates = twoGroup;
  const regular = optBool(node, 'AlsoPerformRegularSync', where);
  if (regular !== undefined) req.alsoPerformRegularSync = regular;
  const computerSpec = optElement(node, 'ComputerSpec');
  if (computerSpec) {
    const hardwareIds = optTextList(computerSpec, 'HardwareIDs', 'guid');
    req.computerSpec = hardwareIds === undefined ? {} : { hardwareIds };
  }
  const key = optText(node, 'FeatureScoreMatchingKey');
  if (key !== undefined) req.featureScoreMatchingKey = key;
  const products = optElement(node, 'ProductsParameters');
  if (products) req.productsParameters = readProducts(products);
  return req;
}

function readProducts(node: XmlNode): ProductsParameters {
  const where = 'SyncUpdates/parameters/ProductsParameters';
  const p: ProductsParameters = { syncCurrentVersionOnly: reqBool(node, 'SyncCurrentVersionOnly', where) };
  const device = optText(node, 'DeviceAttributes');
  if (device !== undefined) p.deviceAttributes = device;
  const caller = optText(node, 'CallerAttributes');
  if (caller !== undefined) p.callerAttributes = caller;
  const products = optText(node, 'Products');
  if (products !== undefined) p.products = products;
  return p;
}

function writeResult(r: SyncUpdatesResponse): string {
  let inner = '';
  if (r.newUpdates.length > 0) inner += el('NewUpdates', r.newUpdates.map(writeUpdateInfo).join(''));
  if (r.outOfScopeRevisionIds.length > 0)
    inner += optIntsEl('OutOfScopeRevisionIDs', r.outOfScopeRevisionIds);
  if (r.changedUpdates.length > 0)
    inner += el('ChangedUpdates', r.changedUpdates.map(writeUpdateInfo).join(''));
  inner += textEl('Truncated', r.truncated);
  inner += writeCookie('NewCookie', r.newCookie);
  inner += optIntsEl('DeployedOutOfScopeRevisionIds', r.deployedOutOfScopeRevisionIds);
  inner += optTextEl('DriverSyncNotNeeded', r.driverSyncNotNeeded);
  return el('SyncUpdatesResult', inner);
}

function readResult(node: XmlNode): SyncUpdatesResponse {
  const where = 'SyncUpdatesResponse/SyncUpdatesResult';
  const r = reqElement(node, 'SyncUpdatesResult', 'SyncUpdatesResponse');
  const res: SyncUpdatesResponse = {
    newUpdates: readUpdateInfos(optElement(r, 'NewUpdates') ?? {}, `${where}/NewUpdates`),
    outOfScopeRevisionIds: optIntList(r, 'OutOfScopeRevisionIDs', where) ?? [],
    changedUpdates: readUpdateInfos(optElement(r, 'ChangedUpdates') ?? {}, `${where}/ChangedUpdates`),
    truncated: reqBool(r, 'Truncated', where),
    newCookie: readCookie(r, 'NewCookie', where),
  };
  const deployedOut = optIntList(r, 'DeployedOutOfScopeRevisionIds', where);
  if (deployedOut !== undefined) res.deployedOutOfScopeRevisionIds = deployedOut;
  const driverSync = optBool(r, 'DriverSyncNotNeeded', where);
  if (driverSync !== undefined) res.driverSyncNotNeeded = driverSync;
  return res;
}

export const syncUpdatesCodec: OpCodec<'SyncUpdates'> = {
  writeRequest: (req) => writeCookie('cookie', req.cookie) + writeParameters(req),
  readRequest(node) {
    // Shape only: the rule "SystemSpec only with SkipSoftwareSync" ([MS-WUSP] §3.1.5.7) is the server's to
    // enforce, because its answer is an InvalidParameters fault, not a parse error.
    return readParameters(
      reqElement(node, 'parameters', 'SyncUpdates'),
      readCookie(node, 'cookie', 'SyncUpdates'),
    );
  },
  writeResponse: writeResult,
  readResponse: readResult,
};
