import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';

/**
 * The global ValidationPipe (whitelist, forbidNonWhitelisted, transform), which also refuses a JSON
 * body that is not an object: an array or a bare value would otherwise reach a handler as its DTO.
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, validationError: { target: false, value: false } });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestException('the request body must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}
