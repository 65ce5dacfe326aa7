// GetConfig: the server's configuration (LastChange, registration flag, auth plug-in, properties).
import type { XmlNode } from '../../xml.ts';
import { WsusProtocolError } from '../errors.ts';
import type { GetConfigResponse } from '../types.ts';
import { elements, optElement, optIntList, optText, reqBool, reqElement, reqText } from '../xml-read.ts';
import { el, optIntsEl, textEl } from '../xml-write.ts';
import type { OpCodec } from './codec.ts';

const WHERE = 'GetConfigResponse/GetConfigResult';

export const getConfigCodec: OpCodec<'GetConfig'> = {
  writeRequest: (req) => textEl('protocolVersion', req.protocolVersion),
  readRequest: (node) => ({ protocolVersion: reqText(node, 'protocolVersion', 'GetConfig') }),

  writeResponse(res) {
    let plugIns = '';
    for (const p of res.authPlugIns) {
      plugIns += el(
        'AuthPlugInInfo',
        textEl('PlugInID', p.plugInId) +
          textEl('ServiceUrl', p.serviceUrl) +
          textEl('Parameter', p.parameter),
      );
    }
    let props = '';
    for (const [name, value] of Object.entries(res.properties)) {
      props += el('ConfigurationProperty', textEl('Name', name) + textEl('Value', value));
    }
    return el(
      'GetConfigResult',
      textEl('LastChange', res.lastChange) +
        textEl('IsRegistrationRequired', res.isRegistrationRequired) +
        el('AuthInfo', plugIns) +
        optIntsEl('AllowedEventIds', res.allowedEventIds) +
        el('Properties', props),
    );
  },

  readResponse(node: XmlNode): GetConfigResponse {
    const r = reqElement(node, 'GetConfigResult', 'GetConfigResponse');
    const authInfo = optElement(r, 'AuthInfo') ?? {};
    const authPlugIns = elements(authInfo, 'AuthPlugInInfo').map((p, i) => ({
      plugInId: reqText(p, 'PlugInID', `${WHERE}/AuthInfo/AuthPlugInInfo[${i}]`),
      serviceUrl: optText(p, 'ServiceUrl') ?? '',
      parameter: optText(p, 'Parameter') ?? '',
    }));
    const properties: Record<string, string> = {};
    for (const [i, p] of elements(optElement(r, 'Properties') ?? {}, 'ConfigurationProperty').entries()) {
      const name = reqText(p, 'Name', `${WHERE}/Properties/ConfigurationProperty[${i}]`);
      if (name === '__proto__') throw new WsusProtocolError(`${WHERE}: invalid property name`, 'value');
      properties[name] = optText(p, 'Value') ?? '';
    }
    const res: GetConfigResponse = {
      lastChange: reqText(r, 'LastChange', WHERE),
      isRegistrationRequired: reqBool(r, 'IsRegistrationRequired', WHERE),
      authPlugIns,
      properties,
    };
    const allowed = optIntList(r, 'AllowedEventIds', WHERE);
    if (allowed !== undefined) res.allowedEventIds = allowed;
    return res;
  },
};
