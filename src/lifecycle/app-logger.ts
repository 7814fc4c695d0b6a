import { ConsoleLogger, ConsoleLoggerOptions } from '@nestjs/common';

/** Nest logs it when the modules are up, before the port is bound: it announced a start that then failed. */
const NEST_READY_MESSAGE = 'Nest application successfully started';

/**
 * The application's logger: Nest's ConsoleLogger (text, or one JSON object per line) without two
 * lines of Nest's own that mislead an operator. main.ts says when the port is listening instead of
 * Nest's "successfully started", and reports an error that stopped the boot as one line instead of
 * the stack trace Nest's ExceptionHandler logs (Nest rethrows that error to main.ts, with
 * abortOnError: false, so nothing is lost).
 */
export class AppLogger extends ConsoleLogger {
  constructor(options: ConsoleLoggerOptions) {
    super(options);
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (message === NEST_READY_MESSAGE) return;
    super.log(message, ...optionalParams);
  }

  override error(message: unknown, ...optionalParams: unknown[]): void {
    if (optionalParams.at(-1) === 'ExceptionHandler') return;
    super.error(message, ...optionalParams);
  }
}

/**
 * The last line of a boot that failed, on stderr: plain text like the configuration errors
 * (`Invalid configuration: ...`), or one JSON object with LOG_FORMAT=json.
 */
export function printFatalLine(line: string, json: boolean): void {
  if (json) new ConsoleLogger({ json: true }).error(line, 'Bootstrap');
  else console.error(line);
}
