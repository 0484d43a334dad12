/**
 * lakeFS validates every request with kin-openapi before anything else (pkg/api/serve.go), and answers its
 * RequestError as 400 `{"message": <text>}`. The schema validation decides whether a request is refused; this
 * hook gives kin-openapi's text for it (the first problem in kin-openapi's order, the body's schema named, the
 * failing schema and value dumped: ../shared/kin-openapi-visit.ts), and adds the one refusal kin-openapi makes
 * while decoding parameters that JSON Schema would not: a parameter sent with an empty value and no default
 * (`?path=`) is `empty value is not allowed`, whatever its type (recorded from the real lakeFS 1.80.0).
 */
import { validationFailed } from '../../engine/errors.js';
import type { Parameter } from '../../engine/spec.js';
import type { CheckRequest } from '../../engine/types.js';
import { kinEmptyValueError, kinRequestError } from '../shared/kin-openapi-visit.js';

/**
 * The parameters lakeFS's swagger.yml marks `allowEmptyValue` (pagination's prefix / after, delimiter and search of
 * object listings, the log's since / stop_at, listRepositoryRuns's branch / commit, and If-Match). mockgate's own
 * specs leave the keyword out (specs/lakefs/auth.yaml says why); a document that has it is read as it says.
 */
const ALLOWED_EMPTY: Record<string, ReadonlySet<string>> = {
  query: new Set(['prefix', 'after', 'delimiter', 'search', 'since', 'stop_at', 'branch', 'commit']),
  header: new Set(['if-match']),
};

const allowsEmpty = (parameter: Parameter) =>
  ALLOWED_EMPTY[parameter.in]?.has(parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name) ?? false;

export const checkRequest: CheckRequest = (request) => {
  // Whether the request is valid is the schema validation's verdict (ajv, thoroughly tested), kin-openapi's own
  // decoding rule aside; which problem is reported, and in what words, is kin-openapi's.
  const input = { ...request, allowsEmpty };
  const found = request.issues.length === 0 ? kinEmptyValueError(input) : kinRequestError(input);
  if (!found) return undefined;
  const error = validationFailed([{ in: found.in, path: found.path, keyword: found.keyword, message: found.text }], found.text);
  error.detail.lakefsText = true;
  return error;
};
