/**
 * Reads the nix.conf files Nix 2.8 reads, in its order (later settings win): the global
 * `<NIX_CONF_DIR>/nix.conf`, then the user files (NIX_USER_CONF_FILES, else
 * `$XDG_CONFIG_HOME/nix/nix.conf` or `~/.config/nix/nix.conf` and `$XDG_CONFIG_DIRS/nix/nix.conf`),
 * then the NIX_CONFIG variable.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { StoregcError, errnoOf } from '../errors.js';
import { parseNixConf } from './nixConf.js';
import type { ConfLine } from './nixConf.js';
import type { Env } from './settings.js';

export function loadNixConf(confDir: string, env: Env): ConfLine[] {
  const lines: ConfLine[] = [];
  readConfFile(join(confDir, 'nix.conf'), true, lines, 0);
  for (const file of userConfFiles(env)) readConfFile(file, true, lines, 0);
  if (env.NIX_CONFIG !== undefined) collect(env.NIX_CONFIG, process.cwd(), lines, 0);
  return lines;
}

function userConfFiles(env: Env): string[] {
  if (env.NIX_USER_CONF_FILES !== undefined) return env.NIX_USER_CONF_FILES.split(':').filter((f) => f !== '');
  const home = env.HOME ?? homedir();
  const configHome = env.XDG_CONFIG_HOME ?? join(home, '.config');
  const dirs = [configHome, ...(env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(':').filter((d) => d !== '')];
  // Nix lists the most important directory last, so reverse to apply it last.
  return dirs.reverse().map((dir) => join(dir, 'nix', 'nix.conf'));
}

function readConfFile(file: string, optional: boolean, out: ConfLine[], depth: number): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const errno = errnoOf(error);
    if (optional && (errno === 'ENOENT' || errno === 'ENOTDIR' || errno === 'EACCES')) return;
    throw new StoregcError('config', file, `cannot read Nix configuration file (${errno ?? 'error'})`, 'fix or remove the include, or set NIX_CONF_DIR');
  }
  collect(text, dirname(file), out, depth);
}

function collect(text: string, baseDir: string, out: ConfLine[], depth: number): void {
  if (depth > 16) throw new StoregcError('config', baseDir, 'nix.conf includes nest too deeply', 'remove the include cycle');
  for (const item of parseNixConf(text)) {
    if ('include' in item) {
      const target = isAbsolute(item.include) ? item.include : join(baseDir, item.include);
      readConfFile(target, item.optional, out, depth + 1);
    } else {
      out.push(item);
    }
  }
}
