/** Public programmatic API. */
export { resolveSettings, DEFAULT_JOBS } from './config/settings.js';
export type { Options, Settings, Env } from './config/settings.js';
export { loadNixConf } from './config/loadConf.js';
export { reportRoots, reportPaths } from './compose/listPaths.js';
export { RENDERERS } from './report/index.js';
export type { Format, Report, RootsReport, PathsReport } from './report/index.js';
export { SCHEMA_VERSION, toJson } from './report/json.js';
export type { Root, RootKind, Finding, FindingCode } from './roots/types.js';
export { StoregcError } from './errors.js';
export type { ErrorCode } from './errors.js';
