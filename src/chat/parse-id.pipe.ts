import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A route id must be a UUID; anything else is a 400 naming the parameter, never a lookup. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, { data }: ArgumentMetadata): string {
    if (!UUID.test(value)) throw new BadRequestException(`${data ?? 'id'} must be a UUID (got "${value.slice(0, 64)}")`);
    return value.toLowerCase();
  }
}
