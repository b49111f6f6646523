/** Formats a zod error as one line per issue naming the field path, e.g. `model.hiddenSize: Too small`. */
import type { z } from 'zod';

export function formatZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
