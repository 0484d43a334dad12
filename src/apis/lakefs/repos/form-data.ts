/**
 * Just enough multipart/form-data (RFC 7578) for uploadObject: the parts of a body, each with its form field
 * name, its Content-Type and its bytes. lakeFS reads the first part named `content` and ignores the rest.
 */

export interface FormPart {
  name: string;
  /** The part's own Content-Type ('' when it has none). */
  contentType: string;
  data: Buffer;
}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** The parts of a body, in order; undefined when the body is not framed by the boundary. */
export function parseFormData(body: Buffer, boundary: string): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    let start = at + delimiter.length;
    // `--` after a delimiter closes the body.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) return parts;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) return undefined;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const headers = part.subarray(0, headerEnd).toString('latin1').split('\r\n');
    const header = (name: string) =>
      headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';
    const name = /\bname="([^"]*)"/i.exec(header('content-disposition'))?.[1] ?? '';
    parts.push({ name, contentType: header('content-type'), data: part.subarray(headerEnd + 4) });
    at = next + 2;
  }
}
