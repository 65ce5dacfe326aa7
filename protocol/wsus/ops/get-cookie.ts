// GetCookie: authorization cookie(s) -> the WSUS cookie every later call carries.
import type { GetCookieRequest } from '../types.ts';
import { elements, optElement, optText, reqElement, reqText } from '../xml-read.ts';
import { el, optTextEl, textEl } from '../xml-write.ts';
import { readCookie, writeCookie } from './common.ts';
import type { OpCodec } from './codec.ts';

export const getCookieCodec: OpCodec<'GetCookie'> = {
  writeRequest(req) {
    let cookies = '';
    for (const c of req.authCookies) {
      cookies += el(
        'AuthorizationCookie',
        textEl('PlugInId', c.plugInId) + textEl('CookieData', c.cookieData),
      );
    }
    const old = req.oldCookie
      ? el(
          'oldCookie',
          textEl('Expiration', req.oldCookie.expiration) +
            optTextEl('EncryptedData', req.oldCookie.encryptedData),
        )
      : '';
    return (
      el('authCookies', cookies) +
      old +
      textEl('lastChange', req.lastChange) +
      textEl('currentTime', req.currentTime) +
      textEl('protocolVersion', req.protocolVersion)
    );
  },

  readRequest(node) {
    const where = 'GetCookie';
    const authCookies = elements(reqElement(node, 'authCookies', where), 'AuthorizationCookie').map(
      (c, i) => ({
        plugInId: reqText(c, 'PlugInId', `${where}/authCookies/AuthorizationCookie[${i}]`),
        cookieData: reqText(c, 'CookieData', `${where}/authCookies/AuthorizationCookie[${i}]`),
      }),
    );
    // Empty is well-formed: a client of a server that advertises only the Anonymous plug-in has no
    // authorization cookie to send (W-AUTH); whether a server accepts that is the server's rule.
    const req: GetCookieRequest = {
      authCookies,
      lastChange: reqText(node, 'lastChange', where),
      currentTime: reqText(node, 'currentTime', where),
      protocolVersion: reqText(node, 'protocolVersion', where),
    };
    const old = optElement(node, 'oldCookie');
    if (old) {
      const oldCookie: { expiration: string; encryptedData?: string } = {
        expiration: reqText(old, 'Expiration', `${where}/oldCookie`),
      };
      const data = optText(old, 'EncryptedData');
      if (data !== undefined) oldCookie.encryptedData = data;
      req.oldCookie = oldCookie;
    }
    return req;
  },

  writeResponse: (res) => writeCookie('GetCookieResult', res),
  readResponse: (node) => readCookie(node, 'GetCookieResult', 'GetCookieResponse'),
};
