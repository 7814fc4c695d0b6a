import { Limit } from './limit';

export class ListSessionsQuery {
  @Limit(100)
  limit: number = 20;
}
