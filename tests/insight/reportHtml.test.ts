/**
 * `storegc report --html` rendered by a real browser (Debian's headless Chromium): the page
 * builds its totals, treemap, table and chains from the embedded data, with no network, and
 * shows the run history chart once gc runs are recorded. Screenshots are saved under
 * screenshots/ (git-ignored) for review.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PAGE_ROWS } from '../../src/compose/reportPage.js';
import { StoreBuilder } from '../support/builder.js';
import type { FsEntry } from '../support/spec.js';
import { materializeStore, releaseStore } from '../support/materialize.js';
import { runStoregc } from '../support/run.js';

const MAIN = join(__dirname, '..', '..', 'dist', 'cli', 'storegc.js');
const DEMO = join(__dirname, '..', '..', 'fixtures', 'demo');
const SHOTS = join(__dirname, '..', '..', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const tmp = mkdtempSync(join(tmpdir(), 'storegc-html-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function chromium(args: string[]): string {
  const profile = mkdtempSync(join(tmp, 'profile-'));
  const r = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, '--window-size=1280,1400', ...args], { encoding: 'utf8', timeout: 60_000 });
  return r.stdout;
}

const count = (html: string, needle: string): number => html.split(needle).length - 1;
// Under CI a missing browser is a failure, not a skip (.ci/run installs Debian's chromium).
if (!existsSync(CHROMIUM) && process.env.CI === 'true') throw new Error('chromium (Debian package) is required when CI=true');

(existsSync(CHROMIUM) ? describe : describe.skip)('report --html in headless Chromium', () => {
  it('renders totals, one table row per root, treemap cells, and a why-alive chain', () => {
    const html = join(tmp, 'report.html');
    const json = join(tmp, 'report.json');
    const run = spawnSync(process.execPath, [MAIN, 'report', '--html', html, '--json', json, '--root', DEMO, '--conf-dir', join(DEMO, 'etc', 'nix'), '--no-runtime-roots', '--no-index'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const page = (JSON.parse(readFileSync(json, 'utf8')) as { page: { roots: { exclusiveDiskBytes: number; exclusiveNarSize: number }[]; groups: unknown[]; totals: { livePaths: number; deadPaths: number } } }).page;
    expect(readFileSync(html, 'utf8')).not.toMatch(/https?:\/\//);

    const glibc = '/nix/store/0q4wjh4m9ih5mb6mhlj59xdjm6bg5ci9-glibc-2.37';
    const dom = chromium(['--dump-dom', `file://${html}#why=${glibc}`]);
    expect(dom).toContain('data-ready="true"');
    expect(count(dom, 'class="total"')).toBe(4);
    expect(count(dom, 'class="root-row"')).toBe(page.roots.length);
    expect(count(dom, 'class="cell root"')).toBe(page.roots.filter((r) => r.exclusiveDiskBytes > 0 || r.exclusiveNarSize > 0).length);
    expect(count(dom, 'class="cell group"')).toBeGreaterThan(0);
    expect(dom).toContain(`<b>${page.totals.livePaths + page.totals.deadPaths}</b>`);
    expect(dom).toContain(`${glibc} is alive:\n/home/alice/project/result -&gt; /nix/store/8a4cr2y9n6wdlzq1hz3p0k5f9sbbjm7x-python3-3.11.6 (indirect)\n  -[reference]-&gt; ${glibc}`);
    // The demo has no recorded gc run: no history section.
    expect(dom).not.toContain('id="history"');
    expect(count(dom, 'class="run"')).toBe(0);

    mkdirSync(SHOTS, { recursive: true });
    chromium([`--screenshot=${join(SHOTS, 'report-demo.png')}`, `file://${html}#why=${glibc}`]);
    expect(existsSync(join(SHOTS, 'report-demo.png'))).toBe(true);
  });

  it('charts every recorded gc run, dry runs included: one mark per run with its outcome', () => {
    // A copy of the demo (its caches left out), collected as a timer would: two dry runs, one real.
    const root = join(tmp, 'demo');
    cpSync(DEMO, root, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.startsWith(join(DEMO, 'nix', 'var', 'nix', 'storegc')) });
    const args = ['--root', root, '--conf-dir', join(root, 'etc', 'nix'), '--no-runtime-roots'];
    for (const gc of [['gc', '--dry-run'], ['gc', '--dry-run', '--max-freed', '1'], ['gc']]) {
      const run = spawnSync(process.execPath, [MAIN, ...gc, ...args, '--quiet'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    }
    const history = JSON.parse(spawnSync(process.execPath, [MAIN, 'history', '--json', ...args], { encoding: 'utf8' }).stdout) as { runs: { dryRun: boolean; outcome: string; bytesDeleted: string }[] };
    expect(history.runs.map((r) => r.dryRun)).toEqual([false, true, true]);

    const html = join(tmp, 'history.html');
    const json = join(tmp, 'history.json');
    const run = spawnSync(process.execPath, [MAIN, 'report', '--html', html, '--json', json, ...args], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const page = (JSON.parse(readFileSync(json, 'utf8')) as { page: { history: { runs: { id: number; dryRun: boolean; bytesDeleted: number }[]; total: number } } }).page;
    expect(page.history.total).toBe(3);
    expect(page.history.runs.map((r) => r.dryRun)).toEqual([true, true, false]);
    expect(page.history.runs.map((r) => r.bytesDeleted)).toEqual([...history.runs].reverse().map((r) => Number(r.bytesDeleted)));
    expect(readFileSync(html, 'utf8')).not.toMatch(/https?:\/\//);

    const dom = chromium(['--dump-dom', `file://${html}`]);
    expect(dom).toContain('data-ready="true"');
    expect(dom).toContain('<section id="history">');
    expect(count(dom, 'class="run"')).toBe(3);
    expect(count(dom, 'class="outcome success"')).toBe(3);
    expect(count(dom, 'class="deleted dry"')).toBe(2);
    expect(dom).toContain('3 runs, oldest left');

    mkdirSync(SHOTS, { recursive: true });
    chromium([`--screenshot=${join(SHOTS, 'report-history.png')}`, `file://${html}`]);
    expect(existsSync(join(SHOTS, 'report-history.png'))).toBe(true);
  });

  it('shows the roots with the largest exclusive size of a store with more of them, and the chain of every live path', () => {
    // PAGE_ROWS + 5 roots, each keeping a path of its own (app-i: the larger i, the larger its
    // file) and, beyond it, a shared one: the five smallest are not shown, and the chain of a path
    // kept by one of them says so.
    const b = new StoreBuilder(41);
    const shared = b.path('shared-lib');
    const files = (i: number): FsEntry[] => [
      { path: '', node: { type: 'dir' } },
      { path: 'bin', node: { type: 'dir' } },
      { path: 'bin/run', node: { type: 'file', content: `#!/bin/sh\n${shared}\n${'x'.repeat(8 * i)}`, mode: 0o555 } },
    ];
    for (let i = 0; i < PAGE_ROWS + 5; i++) b.fileRoot('gcroots/hydra', b.path(`app-${i}`, { refs: [shared], files: files(i) }));
    const root = join(tmp, 'many');
    const layout = materializeStore(b.build(), root);
    try {
      const html = join(tmp, 'many.html');
      const json = join(tmp, 'many.json');
      const run = runStoregc(root, ['report', '--html', html, '--json', json, '--no-runtime-roots']);
      expect(run.status, run.stderr.toString()).toBe(0);
      const page = (JSON.parse(readFileSync(json, 'utf8')) as { page: { roots: { link: string }[]; rootsTotal: number; live: { paths: string[] } } }).page;
      const all = (JSON.parse(runStoregc(root, ['roots', '--sizes', '--json', '--sort', 'exclusive']).stdout.toString('utf8')) as { roots: { link: string; path: string }[] }).roots;
      expect(page.rootsTotal).toBe(PAGE_ROWS + 5);
      expect(page.roots.map((r) => r.link)).toEqual(all.slice(0, PAGE_ROWS).map((r) => r.link));
      // Largest first: app-1004 down to app-5.
      const app = (r: { link: string }): number => Number(/-app-(\d+)$/.exec(r.link)![1]);
      expect(page.roots.map(app)).toEqual(Array.from({ length: PAGE_ROWS }, (_, k) => PAGE_ROWS + 4 - k));
      expect(all.slice(PAGE_ROWS).map(app)).toEqual([4, 3, 2, 1, 0]);
      expect(page.live.paths).toHaveLength(PAGE_ROWS + 6);

      const hidden = all[PAGE_ROWS]!.path;
      const notShown = chromium(['--dump-dom', `file://${html}#why=${hidden}`]);
      expect(notShown).toContain('data-ready="true"');
      expect(count(notShown, 'class="root-row"')).toBe(PAGE_ROWS);
      expect(notShown).toContain(`Roots: the 1,000 of ${(PAGE_ROWS + 5).toLocaleString('en')} roots with the largest exclusive size`);
      expect(notShown).toContain(`${hidden} is alive:\n${hidden} (kept by a root not among the roots shown: storegc why names it)\n</div>`);
      // The shared path: a root's path (shown or not), then the reference to it.
      const sharedPath = `${layout.storeDir}/${shared}`;
      const chain = /<div id="chain">([^<]*)<\/div>/.exec(chromium(['--dump-dom', `file://${html}#why=${sharedPath}`]))![1]!.split('\n');
      expect(chain[0]).toBe(`${sharedPath} is alive:`);
      expect(chain[2]).toBe(`  -[reference]-&gt; ${sharedPath}`);
      expect(chain).toHaveLength(3);
    } finally {
      releaseStore(root);
    }
  });
});
