import { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line (level and message) for a test to read, and prints nothing. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown): void {
    this.lines.push(`log ${String(message)}`);
  }
  warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`error ${String(message)}`);
  }
  debug(): void {}
  verbose(): void {}

  /** Lines whose message starts with `event` (e.g. "redis.lost"). */
  events(event: string): string[] {
    return this.lines.filter((line) => line.split(' ')[1] === event);
  }
}
