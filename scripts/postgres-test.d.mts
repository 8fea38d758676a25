/** Where a throwaway test cluster lives (see postgres-test.mjs). */
export interface PostgresTestState {
  readonly url: string;
  readonly dir: string;
  readonly dataDir: string;
  readonly port: number;
  readonly bin: string;
}
export function findPostgresBin(): string | undefined;
export function startPostgres(): Promise<PostgresTestState>;
export function stopPostgres(state: PostgresTestState): void;
export function startStandby(primary: PostgresTestState): Promise<PostgresTestState>;
export function pgCtl(state: PostgresTestState, args: readonly string[]): void;
