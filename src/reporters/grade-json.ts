// `grade --format json` rendered from per-student pieces: each finished student is stringified once
// and kept, so re-writing the partial report after every student costs the new student plus a copy,
// not the whole class again. The text is byte for byte JSON.stringify(report, null, 2) + '\n'.
import type { GradeReport, StudentResult } from '../grade/grade.js';

const SLOT = '\u0000lampi-doctor-students\u0000';

export class GradeJsonRenderer {
  private readonly pieces = new WeakMap<StudentResult, string>();

  private piece(student: StudentResult): string {
    let text = this.pieces.get(student);
    if (text === undefined) {
      // Nested two levels deep (report -> students -> student): every line after the first gains 4 spaces.
      text = JSON.stringify(student, null, 2).replace(/\n/g, '\n    ');
      this.pieces.set(student, text);
    }
    return text;
  }

  render(report: GradeReport): string {
    return this.chunks(report).join('');
  }

  /**
   * The same text in pieces (the frame's head, each student, the separators, the tail), to write one
   * after another: a class's report is never copied into one large string.
   */
  chunks(report: GradeReport): string[] {
    if (report.students.length === 0) return [JSON.stringify(report, null, 2) + '\n'];
    const frame = JSON.stringify({ ...report, students: [SLOT] }, null, 2);
    const slot = JSON.stringify(SLOT);
    const at = frame.indexOf(slot);
    const pieces: string[] = [frame.slice(0, at)];
    report.students.forEach((student, index) => {
      if (index > 0) pieces.push(',\n    ');
      pieces.push(this.piece(student));
    });
    pieces.push(`${frame.slice(at + slot.length)}\n`);
    return pieces;
  }
}
