// The report page's own script, shipped inside the HTML file as the source text of `reportPage`, so
// it must not use anything outside its body (no imports, no module-level names). It reads the report
// data, then draws the class view (students x checks, sortable and filterable, failure counts, score
// histogram) and a student view (every check with its fix and evidence, latency charts), routed by
// the URL fragment so the browser's back button and keyboard work as people expect.
/* eslint-disable */
export async function reportPage(): Promise<void> {
  type Status = 'pass' | 'warn' | 'fail' | 'skip' | 'error';
  interface Check { id: string; status: Status; code: string; summary: string; hint?: string; evidence?: Record<string, unknown> }
  interface Student { name: string; line: number | null; target: string | null; score: number | null; maxScore: number | null; error?: string; durationMs: number; checks: Check[] }
  interface Model { kind: 'class' | 'single'; title: string; tool: string; generatedAt: string; checkIds: string[]; titles: Record<string, string>; students: Student[] }

  const SYMBOL: Record<Status, string> = { pass: '✓', warn: '!', fail: '✗', skip: '–', error: '‼' };
  const RANK: Record<Status, number> = { pass: 0, skip: 1, warn: 2, error: 3, fail: 4 };
  const SVG = 'http://www.w3.org/2000/svg';

  const dataElement = document.getElementById('report-data')!;
  const packed = dataElement.textContent!.trim();
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  const model = JSON.parse(text) as Model;
  const app = document.getElementById('app')!;

  type Child = Node | string | null | undefined | false;
  function h(tag: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === false) continue;
      element.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
    return element;
  }
  function s(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
    element.append(...children);
    return element;
  }
  const statusBadge = (status: Status, title?: string) =>
    h('span', { class: `st st-${status}`, title: title ? `${status}: ${title}` : status }, h('span', { 'aria-hidden': 'true' }, SYMBOL[status]), h('span', { class: 'sr' }, ` ${status}`));
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));
  const scoreText = (student: Student) => (student.score === null ? '' : `${fmt(student.score)}/${fmt(student.maxScore ?? 0)}`);
  const ratio = (student: Student) => (student.maxScore ? (student.score ?? 0) / student.maxScore : 0);
  const failing = (student: Student) => Boolean(student.error) || student.checks.some((check) => check.status === 'fail' || check.status === 'error');
  const statusOf = (student: Student, id: string): Status | undefined => (student.error ? 'error' : student.checks.find((check) => check.id === id)?.status);

  document.title = model.title;
  const state = { sortKey: 'student', descending: false, filter: '', failingCheck: '', onlyFailing: false };

  function header(): HTMLElement {
    const failingCount = model.students.filter(failing).length;
    const summary =
      model.kind === 'class'
        ? `${model.students.length} students · ${model.students.length - failingCount} without failures · ${failingCount} with failures or not gradable`
        : '';
    return h('header', {}, h('h1', {}, model.title), h('p', { class: 'meta' }, `${model.tool} · ${new Date(model.generatedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC`, summary ? ` · ${summary}` : ''));
  }

  function histogram(): HTMLElement {
    const bins = Array.from({ length: 10 }, () => 0);
    const graded = model.students.filter((student) => !student.error && student.maxScore);
    for (const student of graded) bins[Math.min(9, Math.floor(ratio(student) * 10))] += 1;
    const most = Math.max(1, ...bins);
    const width = 320;
    const height = 120;
    const bar = width / 10;
    const svg = s('svg', { viewBox: `0 0 ${width} ${height + 18}`, role: 'img', 'aria-labelledby': 'hist-caption', class: 'chart' });
    bins.forEach((count, index) => {
      const barHeight = (count / most) * (height - 14);
      const label = `${index * 10}–${index === 9 ? 100 : index * 10 + 9}%: ${count} student${count === 1 ? '' : 's'}`;
      svg.append(s('rect', { x: index * bar + 2, y: height - barHeight, width: bar - 4, height: barHeight, class: 'bar' }, s('title', {}, label)));
      if (count) svg.append(s('text', { x: index * bar + bar / 2, y: height - barHeight - 3, 'text-anchor': 'middle', class: 'count' }, String(count)));
      svg.append(s('text', { x: index * bar + bar / 2, y: height + 13, 'text-anchor': 'middle', class: 'axis' }, `${index * 10}`));
    });
    const caption = bins.map((count, index) => `${index * 10}%: ${count}`).join(', ');
    return h('figure', { class: 'histogram' }, svg, h('figcaption', { id: 'hist-caption' }, `Score distribution (share of the maximum, ${graded.length} graded): ${caption}`));
  }

  function compare(a: Student, b: Student): number {
    if (state.sortKey === 'student') return a.name.localeCompare(b.name) || (a.line ?? 0) - (b.line ?? 0);
    if (state.sortKey === 'score') return ratio(a) - ratio(b) || a.name.localeCompare(b.name);
    const rank = (student: Student) => { const status = statusOf(student, state.sortKey); return status ? RANK[status] : -1; };
    return rank(a) - rank(b) || a.name.localeCompare(b.name);
  }

  function visibleStudents(): Student[] {
    const needle = state.filter.trim().toLowerCase();
    return model.students
      .filter((student) => !needle || student.name.toLowerCase().includes(needle) || (student.target ?? '').toLowerCase().includes(needle))
      .filter((student) => !state.onlyFailing || failing(student))
      // A row that could not be graded fails no check in particular: it shows under "only failures".
      .filter((student) => { if (!state.failingCheck) return true; const status = student.checks.find((check) => check.id === state.failingCheck)?.status; return status === 'fail' || status === 'error'; })
      .sort((a, b) => (state.descending ? -compare(a, b) : compare(a, b)));
  }

  function sortButton(key: string, label: string, title?: string): HTMLElement {
    const active = state.sortKey === key;
    const button = h('button', { type: 'button', class: 'sort', 'data-sort': key, title: title ? `Sort by ${title}` : `Sort by ${label}` }, label, active ? (state.descending ? ' ▼' : ' ▲') : '');
    button.addEventListener('click', () => {
      state.descending = state.sortKey === key ? !state.descending : key !== 'student';
      state.sortKey = key;
      drawTable();
      (document.querySelector(`button[data-sort="${CSS.escape(key)}"]`) as HTMLElement | null)?.focus();
    });
    return button;
  }

  const tableHolder = h('div', { class: 'matrix-scroll', tabindex: 0, role: 'region', 'aria-label': 'Students by check (scrolls sideways)' });
  const shown = h('p', { id: 'shown', 'aria-live': 'polite' });

  function drawTable(): void {
    const students = visibleStudents();
    shown.textContent = `Showing ${students.length} of ${model.students.length} students`;
    const sortState = (key: string) => (state.sortKey === key ? (state.descending ? 'descending' : 'ascending') : undefined);
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col', 'aria-sort': sortState('student') }, sortButton('student', 'Student')),
      h('th', { scope: 'col', 'aria-sort': sortState('score') }, sortButton('score', 'Score')),
      ...model.checkIds.map((id) => h('th', { scope: 'col', class: 'check-col', 'aria-sort': sortState(id) }, sortButton(id, id, `${id}: ${model.titles[id] ?? ''}`))),
    );
    const rows = students.map((student) => {
      const index = model.students.indexOf(student);
      const name = h('th', { scope: 'row' }, h('a', { href: `#student-${index}` }, student.name), student.target ? h('span', { class: 'target' }, student.target) : null);
      if (student.error) {
        return h('tr', { class: 'row-error' }, name, h('td', {}, scoreText(student)), h('td', { colspan: model.checkIds.length, class: 'problem' }, statusBadge('error'), ` not gradable: ${student.error}`));
      }
      return h(
        'tr',
        { class: failing(student) ? 'row-failing' : '' },
        name,
        h('td', { class: 'score' }, scoreText(student)),
        ...model.checkIds.map((id) => {
          const check = student.checks.find((c) => c.id === id);
          return h('td', { class: 'cell' }, check ? statusBadge(check.status, check.summary) : '');
        }),
      );
    });
    const failures = model.checkIds.map((id) => model.students.filter((student) => !student.error && ['fail', 'error'].includes(statusOf(student, id) ?? '')).length);
    const foot = h('tr', { class: 'failures' }, h('th', { scope: 'row' }, 'Failing students'), h('td', {}), ...failures.map((count) => h('td', { class: count ? 'has-failures' : '' }, String(count))));
    const table = h(
      'table',
      { class: 'matrix' },
      h('caption', {}, 'Each student\'s result per check (✓ pass, ! warn, ✗ fail, – skip, ‼ error); the last row counts failing students per check.'),
      h('thead', {}, head),
      h('tbody', {}, ...rows),
      h('tfoot', {}, foot),
    );
    tableHolder.replaceChildren(table);
  }

  function classView(): HTMLElement {
    const filter = h('input', { type: 'search', id: 'filter', placeholder: 'name or host', value: state.filter }) as HTMLInputElement;
    filter.addEventListener('input', () => { state.filter = filter.value; drawTable(); });
    const select = h('select', { id: 'failing-check' }, h('option', { value: '' }, 'any check'), ...model.checkIds.map((id) => h('option', { value: id, selected: state.failingCheck === id }, id))) as HTMLSelectElement;
    select.addEventListener('change', () => { state.failingCheck = select.value; drawTable(); });
    const only = h('input', { type: 'checkbox', id: 'only-failing', checked: state.onlyFailing }) as HTMLInputElement;
    only.addEventListener('change', () => { state.onlyFailing = only.checked; drawTable(); });
    drawTable();
    return h(
      'main',
      { id: 'class-view' },
      h('h2', { tabindex: -1 }, 'Class'),
      h('div', { class: 'controls' },
        h('label', { for: 'filter' }, 'Filter students ', filter),
        h('label', { for: 'failing-check' }, 'Failing check ', select),
        h('label', { for: 'only-failing', class: 'check' }, only, ' Only students with failures'),
      ),
      shown,
      tableHolder,
      h('h3', {}, 'Score distribution'),
      histogram(),
    );
  }

  function latencyChart(check: Check): HTMLElement | null {
    const samples = check.evidence?.samplesMs;
    if (!Array.isArray(samples) || samples.length === 0) return null;
    const values = samples.map(Number).filter((n) => Number.isFinite(n));
    const sorted = [...values].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
    const [p50, p95, max] = [rank(50), rank(95), sorted[sorted.length - 1]];
    const width = 320;
    const height = 90;
    const top = Math.max(max, 0.001);
    const bar = width / values.length;
    const y = (v: number) => height - (v / top) * (height - 6);
    const id = `lat-${check.id.replace(/\W/g, '-')}`;
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': id, class: 'chart latency' });
    values.forEach((v, index) => svg.append(s('rect', { x: index * bar + 1, y: y(v), width: Math.max(1, bar - 2), height: height - y(v), class: 'bar' }, s('title', {}, `sample ${index + 1}: ${v} ms`))));
    for (const [label, v] of [['p50', p50], ['p95', p95]] as const) {
      svg.append(s('line', { x1: 0, x2: width, y1: y(v), y2: y(v), class: `mark mark-${label}` }));
      // Labels sit above their line, or below it when the line is at the top of the chart.
      const labelY = y(v) < 12 ? y(v) + 10 : y(v) - 2;
      svg.append(s('text', { x: label === 'p50' ? 2 : width - 2, y: labelY, 'text-anchor': label === 'p50' ? 'start' : 'end', class: 'axis' }, `${label} ${v} ms`));
    }
    return h('figure', { class: 'latency-figure' }, svg, h('figcaption', { id }, `${check.id} round trips, in the order sent: p50 ${p50} ms, p95 ${p95} ms, max ${max} ms (${values.length} samples)`));
  }

  function checkCard(check: Check): HTMLElement {
    const title = model.titles[check.id] ?? '';
    return h(
      'section',
      { class: `check-card card-${check.status}`, 'aria-labelledby': `c-${check.id}` },
      h('h3', { id: `c-${check.id}` }, statusBadge(check.status), ' ', h('span', { class: 'id' }, check.id), title ? h('span', { class: 'title' }, ` — ${title}`) : null),
      h('p', { class: 'summary' }, check.summary),
      check.hint && check.status !== 'pass' ? h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), check.hint) : null,
      h('p', { class: 'code' }, 'Finding code: ', h('code', {}, check.code)),
      latencyChart(check),
      check.evidence ? h('details', {}, h('summary', {}, 'Evidence'), h('pre', {}, JSON.stringify(check.evidence, null, 2))) : null,
    );
  }

  function studentView(index: number): HTMLElement {
    const student = model.students[index];
    const counts: Record<Status, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
    for (const check of student.checks) counts[check.status] += 1;
    const countText = (Object.keys(counts) as Status[]).map((status) => `${counts[status]} ${status}`).join(', ');
    return h(
      'main',
      { id: 'student-view' },
      model.kind === 'class' ? h('p', { class: 'back' }, h('a', { href: '#class' }, '← Back to the class')) : null,
      h('h2', { tabindex: -1 }, student.name),
      h('p', { class: 'meta' }, [student.target, student.line ? `roster line ${student.line}` : '', student.score !== null ? `score ${scoreText(student)}` : '', countText, `${(student.durationMs / 1000).toFixed(2)} s`].filter(Boolean).join(' · ')),
      student.error ? h('p', { class: 'problem' }, statusBadge('error'), ` This row could not be graded: ${student.error}`) : null,
      ...student.checks.map(checkCard),
    );
  }

  function route(): void {
    const match = /^#student-(\d+)$/.exec(location.hash);
    const index = match ? Number(match[1]) : model.kind === 'single' ? 0 : -1;
    const view = index >= 0 && index < model.students.length ? studentView(index) : classView();
    app.replaceChildren(header(), view);
    if (location.hash) (view.querySelector('h2') as HTMLElement | null)?.focus();
  }

  // Closed <details> do not print: open them for paper, close them again after.
  let opened: HTMLDetailsElement[] = [];
  window.addEventListener('beforeprint', () => {
    opened = [...document.querySelectorAll('details:not([open])')] as HTMLDetailsElement[];
    for (const details of opened) details.open = true;
  });
  window.addEventListener('afterprint', () => { for (const details of opened) details.open = false; });
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset.ready = 'true';
}
