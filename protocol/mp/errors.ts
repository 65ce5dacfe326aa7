// The typed error every MP codec throws for input it cannot use (XML-level problems surface as XmlError).

export type MpErrorKind =
  | 'too-large' // input or decompressed body above the cap
  | 'content-type' // not multipart/mixed, or no boundary parameter
  | 'multipart' // boundary never found, missing final boundary, part without header end
  | 'zlib' // compressed part that does not inflate
  | 'encoding' // bad hex/base64 inside a message, or text that is not well-formed UTF-16
  | 'shape' // well-formed XML of the wrong shape (wrong root, missing attribute)
  | 'value'; // a field whose text is not a valid value (DMTF date, number)

export class MpProtocolError extends Error {
  override readonly name = 'MpProtocolError';
  constructor(
    message: string,
    readonly kind: MpErrorKind,
  ) {
    super(message);
  }
}
