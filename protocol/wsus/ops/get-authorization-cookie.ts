// GetAuthorizationCookie (SimpleAuth web service): client id + DNS name -> an opaque authorization cookie.
import type { GetAuthorizationCookieRequest } from '../types.ts';
import { optText, reqElement, reqText } from '../xml-read.ts';
import { el, optTextEl, textEl } from '../xml-write.ts';
import type { OpCodec } from './codec.ts';

export const getAuthorizationCookieCodec: OpCodec<'GetAuthorizationCookie'> = {
  writeRequest: (req) =>
    textEl('clientId', req.clientId) +
    optTextEl('targetGroupName', req.targetGroupName) +
    textEl('dnsName', req.dnsName),

  readRequest(node) {
    const req: GetAuthorizationCookieRequest = {
      clientId: reqText(node, 'clientId', 'GetAuthorizationCookie'),
      dnsName: reqText(node, 'dnsName', 'GetAuthorizationCookie'),
    };
    const group = optText(node, 'targetGroupName');
    if (group !== undefined) req.targetGroupName = group;
    return req;
  },

  writeResponse: (res) =>
    el(
      'GetAuthorizationCookieResult',
      textEl('PlugInId', res.plugInId) + textEl('CookieData', res.cookieData),
    ),

  readResponse(node) {
    const where = 'GetAuthorizationCookieResponse/GetAuthorizationCookieResult';
    const r = reqElement(node, 'GetAuthorizationCookieResult', 'GetAuthorizationCookieResponse');
    return { plugInId: reqText(r, 'PlugInId', where), cookieData: reqText(r, 'CookieData', where) };
  },
};
