export { planBundle, wantedMember } from '../../src/ingest/sosreport.js';
export { hostFromBundleName as hostFromBundleNameForTest } from '../../src/ingest/hostfacts.js';
