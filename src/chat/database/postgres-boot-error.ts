import { BootError } from '../../lifecycle/boot-error';

/**
 * Why PostgreSQL could not be opened at boot, as the one line an operator reads: the URL without
 * its password, what PostgreSQL or the network said, and what to change.
 */
export function postgresBootError(url: string, error: unknown): BootError {
  const { code, message } = error as { code?: string; message?: string };
  const safeUrl = url.replace(/\/\/[^/@]*@/, '//***@');
  const reason = `${code ? `${code}: ` : ''}${String(message ?? error).replace(/\s*\n\s*/g, ' ')}`;
  return new BootError(
    `DATABASE_URL is "${safeUrl}": PostgreSQL cannot be used (${reason}); start PostgreSQL or set DATABASE_URL to a database this process can reach, or unset it to use SQLite`,
  );
}
