// `grade --format json` rendered from per-student pieces: each finished student is stringified and
// encoded to UTF-8 once, and kept as bytes, so re-writing the partial report after every student
// costs the new student plus one vectored write of the kept bytes, not a re-render, join and
// re-encode of the whole class (which cost more than the grading at a thousand students).
// The text is byte for byte JSON.stringify(report, null, 2) + '\n'.
import type { GradeReport, StudentResult } from '../grade/grade.js';

const SLOT = '\u0000lampi-doctor-students\u0000';
const SEPARATOR = Buffer.from(',\n    ');

export class GradeJsonRenderer {
  private readonly pieces = new WeakMap<StudentResult, Buffer>();

  /** The student's text, nested two levels deep (report -> students -> student): every line after the first gains 4 spaces. */
  private piece(student: StudentResult): Buffer {
    let bytes = this.pieces.get(student);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(student, null, 2).replace(/\n/g, '\n    '));
      this.pieces.set(student, bytes);
    }
    return bytes;
  }

  render(report: GradeReport): string {
    return this.chunks(report).join('');
  }

  /**
   * The same text in pieces (the frame's head, each student's bytes, the separators, the tail), to
   * write one after another: a class's report is never copied into one large string or buffer.
   */
  chunks(report: GradeReport): (string | Buffer)[] {
    if (report.students.length === 0) return [JSON.stringify(report, null, 2) + '\n'];
    const frame = JSON.stringify({ ...report, students: [SLOT] }, null, 2);
    const slot = JSON.stringify(SLOT);
    const at = frame.indexOf(slot);
    const pieces: (string | Buffer)[] = [frame.slice(0, at)];
    report.students.forEach((student, index) => {
      if (index > 0) pieces.push(SEPARATOR);
      pieces.push(this.piece(student));
    });
    pieces.push(`${frame.slice(at + slot.length)}\n`);
    return pieces;
  }
}
