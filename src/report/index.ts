import { renderJson } from './json.js';
import { renderText } from './text.js';
import type { Renderer } from './types.js';

export type Format = 'text' | 'json';

export const RENDERERS: Readonly<Record<Format, Renderer>> = { text: renderText, json: renderJson };

export type { Report, RootsReport, PathsReport } from './types.js';
