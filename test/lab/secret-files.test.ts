// Files the tool writes that hold or name key material are created 0600 (issue 10, secrets): the
// lab's keys, its broker configs (keyfile lines) and lab.json (the key paths).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';

describeWithBroker('a lab\'s files that hold or name keys', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
  });
  afterAll(() => lab?.stop());

  it('are readable by this user only', () => {
    const files = readdirSync(lab.dir)
      .map((name) => join(lab.dir, name))
      .filter((path) => statSync(path).isFile());
    const keyed = files.filter((path) => /PRIVATE KEY|\.key\b/.test(readFileSync(path, 'latin1')));
    expect(keyed.map((path) => path.slice(lab.dir.length + 1))).toEqual(expect.arrayContaining(['lab.json', 'cloud.conf', 'lamp.conf']));
    for (const path of keyed) expect({ path, mode: (statSync(path).mode & 0o777).toString(8) }).toEqual({ path, mode: '600' });
  });
});
