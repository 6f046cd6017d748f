/** A file-system error in the words a user reads: "no such file", "permission denied", ... */
export function describeFsError(error: unknown): string {
  // The input reader's errors already say it in words.
  if (typeof (error as { detail?: unknown }).detail === 'string') return (error as { detail: string }).detail;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}
