import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { extractReferenceExamples } from './extractReferenceExamples';

/**
 * `npm run reference:examples`: writes `test/conformance/referenceExamples.json` from the reference document
 * (`REFERENCE_DOC`, default `../shared/reference/partner-center-api.md`). Run it when the reference changes; the
 * conformance test then fails for every new example that has no binding yet.
 */
const root = path.resolve(import.meta.dirname, '../..');
export const referenceDocPath =
  process.env.REFERENCE_DOC ?? path.resolve(root, '../shared/reference/partner-center-api.md');
export const fixturePath = path.join(root, 'test/conformance/referenceExamples.json');

if (!existsSync(referenceDocPath)) {
  console.error(`No reference document at ${referenceDocPath} (set REFERENCE_DOC).`);
  process.exit(1);
}
const examples = extractReferenceExamples(readFileSync(referenceDocPath, 'utf8'));
writeFileSync(fixturePath, `${JSON.stringify(examples, null, 2)}\n`);
console.log(`${examples.length} examples written to ${path.relative(root, fixturePath)}.`);
