// How many students run at once: a free slot is enough for the first few; beyond them a student
// starts only while the event loop is seen to have spare time (grade's pool holds the slots).
import { describe, expect, it } from 'vitest';
import { ALWAYS_ADMIT, Admission } from '../../src/grade/admission.js';

describe('grade admission', () => {
  it('lets the first few start at once, and on an idle loop everyone, in the order they asked', async () => {
    const admission = new Admission().start();
    try {
      const started: number[] = [];
      const all = Array.from({ length: ALWAYS_ADMIT + 20 }, (_, i) => admission.admit().then(() => started.push(i)));
      await Promise.resolve();
      expect(started.slice(0, ALWAYS_ADMIT)).toEqual(Array.from({ length: ALWAYS_ADMIT }, (_, i) => i)); // no sample needed
      await Promise.all(all);
      expect(started).toEqual(Array.from({ length: ALWAYS_ADMIT + 20 }, (_, i) => i));
    } finally {
      admission.stop();
    }
  });

  it('stop() lets every waiting student go (an interrupted or finished run)', async () => {
    const admission = new Admission().start();
    await Promise.all(Array.from({ length: ALWAYS_ADMIT }, () => admission.admit()));
    // A loop kept busy: the samples that follow see it saturated, so these wait.
    const until = performance.now() + 150;
    while (performance.now() < until);
    const waiting = Array.from({ length: 3 }, () => admission.admit());
    admission.stop();
    await expect(Promise.all(waiting)).resolves.toHaveLength(3);
  });
});
