// The typed error of the DP codecs (XML-level problems surface as XmlError).

export type DpErrorKind = 'path' | 'content-range' | 'shape';

export class DpProtocolError extends Error {
  override readonly name = 'DpProtocolError';
  constructor(
    message: string,
    readonly kind: DpErrorKind,
  ) {
    super(message);
  }
}
