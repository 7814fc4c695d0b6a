import { Limit } from './limit';

export class ListSessionsQuery {
  @Limit(100, 20)
  limit: number = 20;
}
