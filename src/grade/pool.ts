import type { Admission } from './admission.js';

/**
 * Works through what `next` hands out, at most `lanes` items at once, each started once `admission`
 * lets it. `next` answers undefined when there is nothing more to do (the end, or an interrupt).
 */
export async function pool<T>(next: () => T | undefined | Promise<T | undefined>, lanes: number, admission: Admission, work: (item: T) => Promise<void>): Promise<void> {
  const lane = async () => {
    for (;;) {
      await admission.admit();
      let item: T | undefined;
      try {
        item = await next();
        if (item === undefined) return;
        await work(item);
      } finally {
        admission.done();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
}
