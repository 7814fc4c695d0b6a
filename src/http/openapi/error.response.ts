import { ApiProperty } from '@nestjs/swagger';

/** Nest's error shape, which every 4xx and 5xx of the API answers. */
export class ErrorResponse {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({
    description: 'What is wrong, naming the field: one sentence, or one per failed check of a body or query',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['title must be shorter than or equal to 200 characters'],
  })
  message!: string | string[];

  @ApiProperty({ example: 'Bad Request', description: "The status code's reason phrase" })
  error!: string;
}
