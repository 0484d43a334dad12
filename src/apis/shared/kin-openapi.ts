/**
 * How a Go server that validates requests with kin-openapi (openapi3filter.ValidateRequest) words a refusal.
 * lakeFS runs that validator before authentication (pkg/api/serve.go), and so does the external authentication
 * service lakeFS calls; both answer 400 `{"message": <RequestError text>}`. kin-openapi stops at the first
 * problem, so one validation issue makes one text:
 *
 *   request body has an error: doesn't match schema: Error at "/statement/0/effect": value is not one of the allowed values ["allow","deny"]
 *   parameter "amount" in query has an error: number must be at most 1000
 *   request body has an error: failed to decode request body: invalid character 'x' looking for beginning of value
 *
 * The reasons are kin-openapi's (openapi3/schema.go), built from the issue's typed fields, never from the
 * engine's message.
 */
import type { MockError, ValidationIssue } from '../../engine/errors.js';
import { goJsonDecodeError } from './go-json.js';

/** Where the two servers' pinned texts differ. */
export interface KinOpenapiWording {
  /**
   * Whether a problem at the root of the body is still located: `Error at "/": property "id" is missing`
   * (lakeFS's texts, as its tests pin them) or plain `property "id" is missing` (the authentication
   * service's). kin-openapi itself omits `Error at` for a root problem, but places a missing property at its
   * own pointer (`Error at "/id": property "id" is missing`), so neither form is quite upstream's.
   */
  locateRootBodyErrors: boolean;
  /**
   * How a body cut short reads: `unexpected EOF`, json.Decoder's (the real lakeFS 1.80.0, recorded in
   * test/fidelity), or `unexpected end of JSON input`, json.Unmarshal's (the authentication service's tests pin it).
   */
  truncatedBody: 'unexpected EOF' | 'unexpected end of JSON input';
}

/** The RequestError text for a validation issue. */
export function requestErrorText(issue: ValidationIssue, wording: KinOpenapiWording): string {
  if (issue.in === 'body') {
    if (issue.keyword === 'required' && issue.path.length === 0) return 'request body has an error: value is required but missing';
    return `request body has an error: doesn't match schema: ${schemaErrorText(issue, issue.path, wording.locateRootBodyErrors)}`;
  }
  // A parameter's issue path starts with the parameter's name; the rest is inside its value (deepObject, JSON content).
  const [name = '', ...inside] = issue.path;
  const prefix = `parameter ${goQuote(String(name))} in ${issue.in} has an error`;
  if (issue.keyword === 'required' && inside.length === 0) return `${prefix}: value is required but missing`;
  // A query or path value that does not parse as the parameter's scalar type fails in kin-openapi's decoder, before
  // the schema: `value abc: an invalid integer: invalid syntax` (strconv's error, as the real lakeFS words it).
  if (issue.keyword === 'type' && inside.length === 0 && typeof issue.received === 'string' && SCALARS.has(issue.expectedType ?? '')) {
    return `${prefix}: value ${issue.received}: an invalid ${issue.expectedType}: invalid syntax`;
  }
  return `${prefix}: ${schemaErrorText(issue, inside, false)}`;
}

const SCALARS = new Set(['integer', 'number', 'boolean']);

/** A JSON body the server could not decode (the body of the engine's MalformedBody error). */
export function undecodableBodyText(error: MockError, wording: KinOpenapiWording): string {
  const reason = goJsonDecodeError(error);
  const truncated = reason === 'unexpected end of JSON input' ? wording.truncatedBody : reason;
  return `request body has an error: failed to decode request body: ${truncated}`;
}

/**
 * A body of a media type the operation does not declare: kin-openapi reports it as a request error (so 400,
 * not 415) and quotes the Content-Type. An edge refusal of an unknown Content-Encoding has no media type to
 * quote (Go servers do not decode Content-Encoding at all), so it says why in the same frame.
 */
export function unexpectedMediaTypeText(error: MockError): string {
  const contentType = error.detail.contentType;
  if (typeof contentType !== 'string') return `request body has an error: ${error.message}`;
  // No colon before the value: kin-openapi's words, as the real lakeFS 1.80.0 answers them (test/fidelity).
  return `request body has an error: header Content-Type has unexpected value ${goQuote(contentType)}`;
}

/** SchemaError.Error(): `Error at "<pointer>": <reason>`, without the location when there is none to give. */
function schemaErrorText(issue: ValidationIssue, path: Array<string | number>, locateRoot: boolean): string {
  // An unexpected property is reported on its object, as kin-openapi does; so is a missing one, as both servers'
  // tests pin it (see KinOpenapiWording).
  const at = issue.keyword === 'required' || issue.keyword === 'additionalProperties' ? path.slice(0, -1) : path;
  const reason = schemaReason(issue);
  return at.length > 0 || locateRoot ? `Error at "/${at.join('/')}": ${reason}` : reason;
}

function schemaReason(issue: ValidationIssue): string {
  const property = () => goQuote(String(issue.path.at(-1) ?? ''));
  const bound = issue.limit;
  switch (issue.keyword) {
    case 'required':
      return `property ${property()} is missing`;
    case 'additionalProperties':
      return `property ${property()} is unsupported`;
    case 'type':
      return `value must be ${withArticle(issue.expectedType ?? 'object')}`;
    case 'enum':
      return `value is not one of the allowed values ${JSON.stringify(issue.allowedValues ?? [])}`;
    case 'pattern':
      return `string doesn't match the regular expression "${issue.pattern ?? ''}"`;
    case 'uniqueItems':
      return 'duplicate items found';
    case 'format':
      // kin-openapi checks int32 / int64 ranges on numbers (in the words of releases before v0.126, which say
      // `integer doesn't match the format "int64" (…)` since), and named formats on strings, where it goes on
      // to give the format checker's own reason.
      if (typeof issue.received === 'number') return `number must be an ${issue.format}`;
      return `string doesn't match the format ${goQuote(issue.format ?? '')}`;
  }
  if (bound === undefined) return issue.message;
  switch (issue.keyword) {
    case 'maximum':
      return `number must be at most ${goFloat(bound)}`;
    case 'minimum':
      return `number must be at least ${goFloat(bound)}`;
    case 'exclusiveMaximum':
      return `number must be less than ${goFloat(bound)}`;
    case 'exclusiveMinimum':
      return `number must be more than ${goFloat(bound)}`;
    case 'minLength':
      return `minimum string length is ${bound}`;
    case 'maxLength':
      return `maximum string length is ${bound}`;
    case 'minItems':
      return `minimum number of items is ${bound}`;
    case 'maxItems':
      return `maximum number of items is ${bound}`;
    case 'minProperties':
      return `there must be at least ${bound} properties`;
    case 'maxProperties':
      return `there must be at most ${bound} properties`;
    default:
      return issue.message;
  }
}

const withArticle = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** Go's %q for the texts quoted here (names, media types): for their printable ASCII, JSON's quoting is the same. */
const goQuote = (text: string) => JSON.stringify(text);

/**
 * Go's %g of a float64 bound (strconv.FormatFloat(n, 'g', -1, 64)): the shortest digits, in exponent form
 * (two exponent digits at least) when the exponent is below -4 or at least 6 — `1e+06`, not `1000000`.
 */
export function goFloat(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [digits, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(n);
  return `${digits}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
