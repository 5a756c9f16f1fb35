/**
 * A named migration, applied in order once and recorded in `migrations`. Never edit one that has
 * shipped: add a new one. Each carries its why next to its SQL.
 */
export interface Migration {
  name: string;
  sql: string;
}
