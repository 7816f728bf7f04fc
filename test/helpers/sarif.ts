/** A SARIF log checked against the SARIF 2.1.0 JSON Schema, as shipped in @microsoft/jest-sarif. */
/* eslint-disable @typescript-eslint/no-explicit-any -- a SARIF log's objects are read as loose JSON, field by field, in the tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv-draft-04';

// The SARIF 2.1.0 schema as Microsoft ships it (the rtm.5 JSON Schema, draft-04, which
// schemastore and GitHub code scanning use for 2.1.0 logs).
const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

/** RFC 3986 characters, with every % starting a valid escape. */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
// A CommonJS module: under Node's ES module rules its class is the module's `default`.
const ajv = new AjvModule.default({ strict: false, allErrors: true, unicodeRegExp: false });
ajv.addFormat('uri', (value: string) => URI_CHARS.test(value) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value));
ajv.addFormat('uri-reference', (value: string) => URI_CHARS.test(value));
ajv.addFormat('date-time', (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value));
const validate = ajv.compile(schema);

export interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: Array<Record<string, any>> } };
    invocations: Array<Record<string, any>>;
    versionControlProvenance?: Array<{ repositoryUri: string; revisionId?: string }>;
    results: Array<Record<string, any>>;
  }>;
}

/** Parses a SARIF log, throwing unless it is valid SARIF 2.1.0. */
export function validSarif(text: string): SarifLog {
  const log = JSON.parse(text) as SarifLog;
  if (!validate(log)) throw new Error(`not valid SARIF 2.1.0: ${ajv.errorsText(validate.errors)}`);
  return log;
}
