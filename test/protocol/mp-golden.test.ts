// Golden shape tests: every XML example quoted in protocol-reference §2 / §3.2 is parsed with our parser
// (values checked), and our builder's output is compared with the example's skeleton: the same
// elements in the same order, each with the same attribute names in the same order.
// Where an example holds a placeholder that is not a valid value ({cert DER hex}, {uncompressed body
// bytes}), the placeholder is filled with a concrete value; the substitution is written next to it.
import { describe, expect, it } from 'vitest';
import {
  buildClientRegistrationRequest,
  buildContentLocationRequest,
  buildMsgHeaderXml,
  buildRequestAssignments,
  buildStateMessageReport,
  buildWsusLocationReply,
  buildWsusLocationRequest,
  buildMpList,
  buildMpKeyInformation,
  parseClientRegistrationRequest,
  parseContentLocationRequest,
  parseMpKeyInformation,
  parseMpList,
  parseMsgHeaderXml,
  parseDmtf,
  parseRequestAssignments,
  parseStateMessageReport,
  parseWsusLocationReply,
  parseWsusLocationRequest,
  TopicType,
  UpdateDetectionState,
} from '../../protocol/mp/index.ts';

/** Opening tags in document order as `Name[attr,attr]` (comments and the XML declaration skipped). */
function skeleton(xml: string): string[] {
  const clean = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  const out: string[] = [];
  for (const m of clean.matchAll(/<([A-Za-z][\w.]*)((?:\s+[\w:]+\s*=\s*"[^"]*")*)\s*\/?>/g)) {
    const names = [...m[2]!.matchAll(/([\w:]+)\s*=/g)].map((a) => a[1]);
    out.push(`${m[1]}[${names.join(',')}]`);
  }
  return out;
}

describe('§2.1 MPLIST and MPKEYINFORMATION', () => {
  const MPLIST = `<MPList><MP Name="MSSC1" FQDN="MSSC1.ACMEINCLAB.COM" SiteCode="HVL"><Version>6487</Version><Capabilities SchemaVersion="1.0"/></MP></MPList>`;
  const MPKEY = `<MPKEYINFORMATION><FQDN>ps1.contoso.com</FQDN><SITECODE>PS1</SITECODE></MPKEYINFORMATION>`;

  it('parses the MPLIST example', () => {
    expect(parseMpList(MPLIST)).toEqual({
      mps: [{ name: 'MSSC1', fqdn: 'MSSC1.ACMEINCLAB.COM', siteCode: 'HVL', version: 6487 }],
    });
  });

  it('builds the MPLIST skeleton', () => {
    expect(skeleton(buildMpList(parseMpList(MPLIST)))).toEqual(skeleton(MPLIST));
    expect(buildMpList(parseMpList(MPLIST))).toBe(MPLIST);
  });

  it('parses and rebuilds the MPKEYINFORMATION example', () => {
    const info = parseMpKeyInformation(MPKEY);
    expect(info).toEqual({ fqdn: 'ps1.contoso.com', siteCode: 'PS1', keys: {} });
    expect(buildMpKeyInformation(info)).toBe(MPKEY);
  });
});

describe('§2.2 Msg header', () => {
  // {uncompressed body bytes} → 1234 (an integer is required).
  const MSG = `<Msg ReplyCompression="zlib" SchemaVersion="1.1">
  <Body Type="ByteRange" Length="1234" Offset="0"/>
  <CorrelationID>{00000000-0000-0000-0000-000000000000}</CorrelationID>
  <Hooks>
    <Hook2 Name="clientauth">
      <Property Name="AuthSenderMachine">HOST</Property>
      <Property Name="PublicKey">{MS PUBLICKEYBLOB hex}</Property>
      <Property Name="ClientIDSignature">{hex}</Property>
      <Property Name="PayloadSignature">{hex sig over compressed body}</Property>
      <Property Name="ClientCapabilities">NonSSL</Property>
      <Property Name="HashAlgorithm">1.2.840.113549.1.1.11</Property>
    </Hook2>
    <Hook3 Name="zlib-compress"/>
  </Hooks>
  <ID>{message guid}</ID><Payload Type="inline"/><Priority>0</Priority>
  <Protocol>http</Protocol><ReplyMode>Sync</ReplyMode>
  <ReplyTo>direct:HOST:SccmMessaging</ReplyTo><SentTime>2024-01-01T00:00:00Z</SentTime>
  <SourceID>GUID:{smsid}</SourceID><SourceHost>HOST</SourceHost>
  <TargetAddress>mp:MP_PolicyManager</TargetAddress><TargetEndpoint>MP_PolicyManager</TargetEndpoint>
  <TargetHost>MP.FQDN</TargetHost><Timeout>60000</Timeout>
</Msg>`;

  it('parses every field of the example', () => {
    const h = parseMsgHeaderXml(MSG);
    expect(h).toEqual({
      id: '{message guid}',
      sourceId: 'GUID:{smsid}',
      sourceHost: 'HOST',
      targetAddress: 'mp:MP_PolicyManager',
      targetEndpoint: 'MP_PolicyManager',
      targetHost: 'MP.FQDN',
      replyCompression: 'zlib',
      sentTime: '2024-01-01T00:00:00Z',
      correlationId: '{00000000-0000-0000-0000-000000000000}',
      bodyLength: 1234,
      replyTo: 'direct:HOST:SccmMessaging',
      replyMode: 'Sync',
      timeout: 60000,
      priority: 0,
      compressed: true,
      clientAuth: {
        AuthSenderMachine: 'HOST',
        PublicKey: '{MS PUBLICKEYBLOB hex}',
        ClientIDSignature: '{hex}',
        PayloadSignature: '{hex sig over compressed body}',
        ClientCapabilities: 'NonSSL',
        HashAlgorithm: '1.2.840.113549.1.1.11',
      },
    });
  });

  it('builds the same skeleton: children and hook properties in the documented order', () => {
    expect(skeleton(buildMsgHeaderXml(parseMsgHeaderXml(MSG)))).toEqual(skeleton(MSG));
  });
});

describe('§2.3 ClientRegistrationRequest', () => {
  // {cert DER hex} → 3082ABCD, {hex sig of UTF-16 Data} → 0102FEFF (hex is required).
  const REG = `<ClientRegistrationRequest>
  <Data HashAlgorithm="1.2.840.113549.1.1.11" SMSID="" RequestType="Registration" TimeStamp="2024-01-01T00:00:00Z">
    <AgentInformation AgentIdentity="CCMSetup.exe" AgentVersion="5.00.8325.0000" AgentType="0"/>
    <Certificates><Encryption Encoding="HexBinary" KeyType="1">3082ABCD</Encryption>
                  <Signing Encoding="HexBinary" KeyType="1">3082ABCD</Signing></Certificates>
    <DiscoveryProperties><Property Name="Netbios Name" Value="HOST"/><Property Name="FQ Name" Value="host.fqdn"/>
      <Property Name="Locale ID" Value="2057"/><Property Name="InternetFlag" Value="0"/></DiscoveryProperties>
  </Data>
  <Signature><SignatureValue>0102FEFF</SignatureValue></Signature>
</ClientRegistrationRequest>`;

  it('parses the example', () => {
    expect(parseClientRegistrationRequest(REG)).toEqual({
      hashAlgorithm: '1.2.840.113549.1.1.11',
      smsId: '',
      requestType: 'Registration',
      timeStamp: '2024-01-01T00:00:00Z',
      agent: { identity: 'CCMSetup.exe', version: '5.00.8325.0000', type: 0 },
      certificates: { encryption: '3082ABCD', signing: '3082ABCD' },
      netbiosName: 'HOST',
      fqName: 'host.fqdn',
      localeId: 2057,
      internetFlag: false,
      signatureValue: '0102FEFF',
    });
  });

  it('builds the same skeleton', () => {
    expect(skeleton(buildClientRegistrationRequest(parseClientRegistrationRequest(REG)))).toEqual(
      skeleton(REG),
    );
  });
});

describe('§2.4 RequestAssignments', () => {
  const REQ = `<RequestAssignments SchemaVersion="1.00" ACK="false" RequestType="Always">
  <Identification><Machine><ClientID>GUID:{smsid}</ClientID><FQDN>host.fqdn</FQDN>
    <NetBIOSName>HOST</NetBIOSName><SID/></Machine><User/></Identification>
  <PolicySource>SMS:{SITE}</PolicySource><Resource ResourceType="Machine"/><ServerCookie/>
</RequestAssignments>`;

  it('parses the example', () => {
    expect(parseRequestAssignments(REQ)).toEqual({
      clientId: 'GUID:{smsid}',
      fqdn: 'host.fqdn',
      netbiosName: 'HOST',
      siteCode: '{SITE}',
      resourceType: 'Machine',
      requestType: 'Always',
      ack: false,
    });
  });

  it('builds the same skeleton', () => {
    expect(skeleton(buildRequestAssignments(parseRequestAssignments(REQ)))).toEqual(skeleton(REQ));
  });
});

describe('§2.5 WSUS location', () => {
  const REQ = `<WSUSLocationRequest SchemaVersion="1.00">
  <Content ID="{UpdateSourceID}" Version="38"/><AssignedSite SiteCode="PS1"/>
  <ClientLocationInfo OnInternet="0"><ADSite Name="…"/><Forest Name="…"/><Domain Name="…"/>
    <IPAddresses><IPAddress SubnetAddress="192.168.2.0" Address="192.168.2.62"/></IPAddresses>
  </ClientLocationInfo>
</WSUSLocationRequest>`;
  const REPLY = `<WSUSLocationReply SchemaVersion="1.00"><Sites><Site><MPSite SiteCode="PS1"/><LocationRecords>
  <LocationRecord WSUSURL="http://PS1SITE.CONTOSO.COM:8530" ServerName="PS1SITE.CONTOSO.COM" Version="38"/>
  <LocationRecord WSUSURL="https://PS1SYS.CONTOSO.COM:8531" ServerName="PS1SYS.CONTOSO.COM" Version="38"/>
</LocationRecords></Site></Sites></WSUSLocationReply>`;

  it('parses the request', () => {
    expect(parseWsusLocationRequest(REQ)).toEqual({
      updateSourceId: '{UpdateSourceID}',
      contentVersion: 38,
      siteCode: 'PS1',
      location: {
        onInternet: false,
        adSite: '…',
        forest: '…',
        domain: '…',
        ipAddresses: [{ subnetAddress: '192.168.2.0', address: '192.168.2.62' }],
      },
    });
  });

  it('parses the reply (URLs keep their ports)', () => {
    expect(parseWsusLocationReply(REPLY)).toEqual({
      siteCode: 'PS1',
      records: [
        { wsusUrl: 'http://PS1SITE.CONTOSO.COM:8530', serverName: 'PS1SITE.CONTOSO.COM', version: 38 },
        { wsusUrl: 'https://PS1SYS.CONTOSO.COM:8531', serverName: 'PS1SYS.CONTOSO.COM', version: 38 },
      ],
    });
  });

  it('builds both skeletons', () => {
    expect(skeleton(buildWsusLocationRequest(parseWsusLocationRequest(REQ)))).toEqual(skeleton(REQ));
    expect(skeleton(buildWsusLocationReply(parseWsusLocationReply(REPLY)))).toEqual(skeleton(REPLY));
  });
});

describe('§3.2 ContentLocationRequest', () => {
  const REQ = `<ContentLocationRequest SchemaVersion="1.00" ExcludeFileList="">
     <Package ID="UID:{ContentID}" Version="1"/><AssignedSite SiteCode="MEH"/>
     <ClientLocationInfo LocationType="SMSUpdate" DistributeOnDemand="0" UseAzure="0" AllowWUMU="0"
        UseProtected="0" AllowCaching="0" BranchDPFlags="0" UseInternetDP="0" AllowHTTP="1" AllowSMB="0" AllowMulticast="0">
       <ADSite Name="…"/><Forest Name="…"/><Domain Name="…"/>
       <IPAddresses><IPAddress SubnetAddress="10.10.25.128" Address="10.10.25.130"/></IPAddresses>
     </ClientLocationInfo>
   </ContentLocationRequest>`;

  it('parses the example', () => {
    expect(parseContentLocationRequest(REQ)).toEqual({
      contentId: '{ContentID}',
      version: 1,
      siteCode: 'MEH',
      locationType: 'SMSUpdate',
      allowHttp: true,
      allowSmb: false,
      location: {
        adSite: '…',
        forest: '…',
        domain: '…',
        ipAddresses: [{ subnetAddress: '10.10.25.128', address: '10.10.25.130' }],
      },
    });
  });

  it('builds the same skeleton, flags in wire order', () => {
    expect(skeleton(buildContentLocationRequest(parseContentLocationRequest(REQ)))).toEqual(skeleton(REQ));
  });
});

describe('§2.6 state message report', () => {
  const REPORT = `<?xml version="1.0" encoding="UTF-16"?>
<Report><ReportHeader>
  <Identification><Machine><ClientInstalled>1</ClientInstalled><ClientType>1</ClientType>
    <ClientID>GUID:A1006D0E-…</ClientID><ClientVersion>5.00.7958.1000</ClientVersion>
    <NetBIOSName>PS1WIN7X64</NetBIOSName><CodePage>437</CodePage>
    <SystemDefaultLCID>1033</SystemDefaultLCID><Priority>5</Priority></Machine></Identification>
  <ReportDetails><ReportContent>State Message Data</ReportContent><ReportType>Full</ReportType>
    <Date>20140120194656.903000+000</Date><Version>1.0</Version><Format>1.0</Format></ReportDetails>
</ReportHeader><ReportBody>
  <StateMessage MessageTime="20140120171855.573000+000" SerialNumber="232">
    <Topic ID="505fda07-b4f3-45fb-83d9-8642554e2773" Type="500" IDType="3" User="" UserSID=""/>
    <State ID="2" Criticality="0"/>
    <UserParameters Flags="0" Count="1"><Param>200</Param></UserParameters>
  </StateMessage>
  <!-- …one StateMessage per change, many per report… -->
</ReportBody></Report>`;

  it('parses the example', () => {
    const r = parseStateMessageReport(REPORT);
    expect(r).toEqual({
      clientId: 'GUID:A1006D0E-…',
      netbiosName: 'PS1WIN7X64',
      date: Date.UTC(2014, 0, 20, 19, 46, 56, 903),
      clientVersion: '5.00.7958.1000',
      codePage: 437,
      systemDefaultLcid: 1033,
      messages: [
        {
          serialNumber: 232,
          messageTime: parseDmtf('20140120171855.573000+000'),
          topicId: '505fda07-b4f3-45fb-83d9-8642554e2773',
          topicType: TopicType.SumUpdateDetection,
          topicIdType: 3,
          stateId: UpdateDetectionState.Required,
          params: ['200'],
        },
      ],
    });
  });

  it('builds the same skeleton and the same DMTF texts', () => {
    const built = buildStateMessageReport(parseStateMessageReport(REPORT));
    expect(skeleton(built)).toEqual(skeleton(REPORT));
    expect(built).toContain('<Date>20140120194656.903000+000</Date>');
    expect(built).toContain('MessageTime="20140120171855.573000+000" SerialNumber="232"');
    expect(built.startsWith('<?xml version="1.0" encoding="UTF-16"?><Report>')).toBe(true);
  });
});
