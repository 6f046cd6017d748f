// Grading for the classroom: Gradescope results (validated against the schema written from Gradescope's
// specification), the example autograder run in an imitation /autograder, and the HTML class report
// opened in a real headless Chromium: sorted, filtered, a student opened and a fix read.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradeReport } from '../../src/grade/grade.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { renderHtmlClass } from '../../src/reporters/html/page.js';
import { describeWithBroker } from '../helpers/broker.js';
import { CLI, runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
if (!CHROMIUM) console.warn('[lampi-doctor tests] chromium not found: the HTML report browser tests are SKIPPED (apt-get install chromium)');
const describeWithBrowser = CHROMIUM ? describe : describe.skip;
/** Screenshots are kept here for people to look at (CI keeps the folder as an artifact). */
const ARTIFACTS = resolve('test-artifacts');

const common = ['--timeout', '2000', '--samples', '4'];

describeWithBroker('grading for the classroom', () => {
  let labs: Record<'healthy' | 'expired' | 'weak', Lab>;
  let dir: string;
  const out = (name: string) => join(dir, name);
  const row = (student: string, lab: Lab) =>
    [student, lab.fqdn, lab.ports.tls, lab.ports.wss, lab.files.ca, lab.files.clientCert, lab.files.clientKey, `mqtt://127.0.0.1:${lab.ports.lampPlain}`, lab.deviceId, `${lab.fqdn}:${lab.publicAddress}`].join(',');
  const HEAD = 'student,fqdn,port,wss_port,ca,cert,key,local,device_id,resolve';

  beforeAll(async () => {
    const [healthy, expired, weak] = await Promise.all([startLab({ scenario: 'healthy' }), startLab({ scenario: 'expired' }), startLab({ scenario: 'weak-key' })]);
    labs = { healthy, expired, weak };
    dir = mkdtempSync(join(tmpdir(), 'lampi-classroom-'));
    writeFileSync(out('class.csv'), [HEAD, row('alice', healthy), row('bob', expired), row('carol', weak), 'dave,,8883,,,,,,,', row('erin', healthy), ''].join('\n'));
    writeFileSync(out('one.csv'), [HEAD, row('bob', expired), ''].join('\n'));
    writeFileSync(out('rubric.json'), JSON.stringify({ points: { tls: 2, bridge: 3 }, warnCredit: 0.5, visibility: { bridge: 'after_due_date', 'tls.key': 'hidden' } }));
    const json = await runCli(['grade', out('class.csv'), ...common, '--format', 'json', '--output', out('class.json')]);
    expect(json.code).toBe(0);
  });
  afterAll(() => Promise.all(Object.values(labs ?? {}).map((lab) => lab.stop())));

  describe('--format gradescope', () => {
    it('writes one student\'s results.json: a test per check with rubric points and visibility, valid against the specification', async () => {
      const run = await runCli(['grade', out('one.csv'), ...common, '--rubric', out('rubric.json'), '--format', 'gradescope', '--output', out('results.json')]);
      expect(run.code).toBe(0);
      const results = JSON.parse(readFileSync(out('results.json'), 'utf8'));
      expect(schemaErrors('gradescope-results.schema.json', results)).toEqual([]);
      expect(results.tests).toHaveLength(17);
      const test = (id: string) => results.tests.find((t: { name: string }) => t.name.startsWith(`${id}:`));
      expect(test('tls.validity')).toMatchObject({ status: 'failed', score: 0, max_score: 2, visibility: 'visible' });
      expect(test('tls.validity').output).toMatch(/^fail: .*expired/m);
      expect(test('tls.validity').output).toMatch(/^fix: /m);
      expect(test('tls.validity').output).toMatch(/^code: tls\.validity\//m);
      expect(test('tls.chain')).toMatchObject({ status: 'passed', score: 2, max_score: 2 });
      expect(test('tls.key').visibility).toBe('hidden');
      expect(test('bridge.status')).toMatchObject({ max_score: 3, visibility: 'after_due_date' });
      expect(test('mqtt.connect').max_score).toBe(0); // a rubric that names areas leaves the others unscored
      expect(results.score).toBe(results.tests.reduce((sum: number, t: { score: number }) => sum + t.score, 0));
      expect(results.score).toBeLessThan(results.tests.reduce((sum: number, t: { max_score: number }) => sum + t.max_score, 0));
      expect(results.output).toContain('tls.validity');
      expect(results.output).not.toMatch(/\u001b\[/);
      expect(Number.isInteger(results.execution_time)).toBe(true);
    });

    it('refuses a class into one file before grading anyone, naming the folder form', async () => {
      const run = await runCli(['grade', out('class.csv'), ...common, '--format', 'gradescope', '--output', out('class-results.json')]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('this run has 5 students: give --output DIR/');
      expect(existsSync(out('class-results.json'))).toBe(false);
    });

    it('writes a folder of results for a class, one valid file per student, a bad row scored 0 with its reason', async () => {
      const run = await runCli(['grade', out('class.csv'), ...common, '--format', 'gradescope', '--output', `${out('gs')}/`]);
      expect(run.code).toBe(0);
      const files = readdirSync(out('gs')).sort();
      expect(files).toEqual(['alice-line2.json', 'bob-line3.json', 'carol-line4.json', 'dave-line5.json', 'erin-line6.json']);
      for (const file of files) expect(schemaErrors('gradescope-results.schema.json', JSON.parse(readFileSync(join(out('gs'), file), 'utf8')))).toEqual([]);
      const dave = JSON.parse(readFileSync(join(out('gs'), 'dave-line5.json'), 'utf8'));
      expect(dave.score).toBe(0);
      expect(dave.output).toContain('line 5');
      const alice = JSON.parse(readFileSync(join(out('gs'), 'alice-line2.json'), 'utf8'));
      expect(alice.tests.filter((t: { status: string }) => t.status === 'failed')).toEqual([]);
      expect(run.stdout).toContain('alice');
    });

    it('the example autograder grades a submission in an imitation /autograder, healthy and broken', async () => {
      for (const [name, lab] of [['healthy', labs.healthy], ['broken', labs.expired]] as const) {
        const root = mkdtempSync(join(tmpdir(), `lampi-autograder-${name}-`));
        for (const sub of ['source', 'submission', 'results']) mkdirSync(join(root, sub));
        for (const file of readdirSync('examples/gradescope')) copyFileSync(join('examples/gradescope', file), join(root, 'source', file));
        copyFileSync(lab.files.ca, join(root, 'submission', 'lampi_ca.crt'));
        copyFileSync(lab.files.clientCert, join(root, 'submission', 'grader.crt'));
        copyFileSync(lab.files.clientKey, join(root, 'submission', 'grader.key'));
        writeFileSync(
          join(root, 'submission', 'submission.json'),
          JSON.stringify({ fqdn: lab.fqdn, port: lab.ports.tls, wss_port: lab.ports.wss, ca: 'lampi_ca.crt', cert: 'grader.crt', key: 'grader.key', resolve: `${lab.fqdn}:${lab.publicAddress}` }),
        );
        const code = await new Promise<number>((done) =>
          execFile(join(root, 'source', 'run_autograder'), [], { env: { ...process.env, AUTOGRADER_ROOT: root, LAMPI_DOCTOR: CLI, LAMPI_DOCTOR_ARGS: '--samples 3' } }, (error) =>
            done(error ? Number((error as { code?: number }).code ?? 1) : 0),
          ),
        );
        expect(code).toBe(0);
        const results = JSON.parse(readFileSync(join(root, 'results', 'results.json'), 'utf8'));
        expect(schemaErrors('gradescope-results.schema.json', results)).toEqual([]);
        const failed = results.tests.filter((t: { status: string }) => t.status === 'failed').map((t: { name: string }) => t.name.split(':')[0]);
        if (name === 'healthy') {
          expect(failed).toEqual([]);
          expect(results.score).toBeGreaterThan(0);
        } else {
          expect(failed).toContain('tls.validity');
        }
      }
    });

    it('the example autograder answers a broken submission with a zero score and the reason, never without results', async () => {
      const root = mkdtempSync(join(tmpdir(), 'lampi-autograder-empty-'));
      for (const sub of ['source', 'submission', 'results']) mkdirSync(join(root, sub));
      for (const file of readdirSync('examples/gradescope')) copyFileSync(join('examples/gradescope', file), join(root, 'source', file));
      writeFileSync(join(root, 'submission', 'submission.json'), '{ "fqdn": ');
      await new Promise((done) => execFile(join(root, 'source', 'run_autograder'), [], { env: { ...process.env, AUTOGRADER_ROOT: root, LAMPI_DOCTOR: CLI } }, done));
      const results = JSON.parse(readFileSync(join(root, 'results', 'results.json'), 'utf8'));
      expect(schemaErrors('gradescope-results.schema.json', results)).toEqual([]);
      expect(results.score).toBe(0);
      expect(results.output).toContain('submission.json');
    });
  });

  describeWithBrowser('--format html in a real browser', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let browser: any;
    let gradeReport: GradeReport;

    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      gradeReport = JSON.parse(readFileSync(out('class.json'), 'utf8'));
      const html = await runCli(['merge', out('class.json'), '--format', 'html', '--output', out('class.html')]);
      expect(html.code).toBe(0);
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    afterAll(async () => browser?.close());

    async function open(file: string, viewport = { width: 1280, height: 900 }) {
      const page = await browser.newPage({ viewport });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message: { type(): string; text(): string }) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error: Error) => problems.push(error.message));
      page.on('request', (request: { url(): string }) => requests.push(request.url()));
      await page.goto(`file://${file}`);
      await page.waitForSelector('body[data-ready="true"]');
      return { page, problems, requests };
    }
    const names = (page: { $$eval: Function }) => page.$$eval('table.matrix tbody th a', (links: Element[]) => links.map((a) => a.textContent));

    it('shows the class: students x checks with symbols, failure counts and a histogram; no errors, no network', async () => {
      const { page, problems, requests } = await open(out('class.html'));
      expect(await names(page)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
      const bobValidity = await page.$eval('table.matrix tbody tr:nth-child(2) td:nth-child(9) .st', (el: Element) => el.textContent);
      expect(bobValidity).toBe('✗ fail');
      const expiredCount = await page.$$eval('table.matrix tfoot td', (cells: Element[]) => cells.map((c) => c.textContent));
      expect(expiredCount[7]).toBe('1');
      expect(await page.textContent('figure.histogram figcaption')).toContain('Score distribution');
      await page.screenshot({ path: join(ARTIFACTS, 'class-desktop.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests.filter((url: string) => !url.startsWith('file:'))).toEqual([]);
      await page.close();
    });

    it('sorts by a column and filters to the students failing a check', async () => {
      const { page, problems } = await open(out('class.html'));
      await page.click('button[data-sort="score"]');
      const byScore = await names(page);
      const scoreOf = (name: string) => {
        const student = gradeReport.students.find((s) => s.student === name)!;
        return student.maxScore ? student.score / student.maxScore : 0;
      };
      const ratios = byScore.map((name: string) => scoreOf(name));
      expect(ratios).toEqual([...ratios].sort((a, b) => b - a));
      expect(await page.getAttribute('th:has(button[data-sort="score"])', 'aria-sort')).toBe('descending');
      await page.click('button[data-sort="student"]');
      expect(await names(page)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);

      await page.check('#only-failing');
      expect(await names(page)).toEqual(['bob', 'carol', 'dave']);
      await page.uncheck('#only-failing');
      await page.selectOption('#failing-check', 'tls.validity');
      expect(await names(page)).toEqual(['bob']);
      expect(await page.textContent('#shown')).toBe('Showing 1 of 5 students');
      await page.selectOption('#failing-check', '');
      await page.fill('#filter', 'car');
      expect(await names(page)).toEqual(['carol']);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('opens a student by keyboard and shows each check with its fix, code, evidence and latency chart', async () => {
      const { page, problems } = await open(out('class.html'));
      await page.focus('table.matrix tbody tr:nth-child(2) th a');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#student-view');
      expect(await page.textContent('#student-view h2')).toBe('bob');
      const bob = gradeReport.students.find((s) => s.student === 'bob')!;
      const validity = bob.checks.find((c) => c.id === 'tls.validity')!;
      const card = page.locator('.check-card', { has: page.locator('.id', { hasText: 'tls.validity' }) });
      expect(await card.locator('.fix').textContent()).toBe(`Fix: ${validity.hint}`);
      expect(await card.locator('code').textContent()).toBe(validity.code);
      expect(await card.locator('details').getAttribute('open')).toBeNull();
      await page.goBack();
      await page.waitForSelector('#class-view');

      await page.goto(`file://${out('class.html')}#student-0`);
      await page.waitForSelector('#student-view figure.latency-figure');
      expect(await page.textContent('#student-view figure.latency-figure figcaption')).toMatch(/^mqtt\.roundtrip round trips.*p50 [\d.]+ ms/);
      await page.screenshot({ path: join(ARTIFACTS, 'student-desktop.png'), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    });

    it('fits a phone and prints to PDF', async () => {
      const { page, problems } = await open(out('class.html'), { width: 390, height: 844 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, 'class-phone.png'), fullPage: true });
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      writeFileSync(join(ARTIFACTS, 'class.pdf'), pdf);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('draws a single diagnosis as its student view', async () => {
      const run = await runCli([labs.weak.fqdn, '--port', String(labs.weak.ports.tls), '--wss-port', String(labs.weak.ports.wss), '--resolve', `${labs.weak.fqdn}:${labs.weak.publicAddress}`, '--ca', labs.weak.files.ca, '--cert', labs.weak.files.clientCert, '--key', labs.weak.files.clientKey, ...common, '--format', 'html', '--output', out('one.html')]);
      expect(run.code).toBe(1);
      const { page, problems, requests } = await open(out('one.html'));
      expect(await page.textContent('#student-view h2')).toBe(labs.weak.fqdn);
      expect(await page.locator('.back').count()).toBe(0);
      expect(await page.locator('.card-fail .id', { hasText: 'tls.key' }).count()).toBe(1);
      expect(problems).toEqual([]);
      expect(requests.filter((url: string) => !url.startsWith('file:'))).toEqual([]);
      await page.close();
    });
  });

  it('keeps a class of 200 with full evidence under 1 MB', async () => {
    const one = JSON.parse(readFileSync(out('class.json'), 'utf8')) as GradeReport;
    const students = Array.from({ length: 200 }, (_, index) => ({ ...one.students[index % 3], student: `student-${index}`, line: index + 2 }));
    const html = renderHtmlClass({ ...one, students });
    expect(Buffer.byteLength(html)).toBeLessThan(1_000_000);
    // Nothing was trimmed to get there: the evidence of every student is in the file.
    expect(Buffer.byteLength(JSON.stringify(students))).toBeGreaterThan(1_000_000);
  });
});
