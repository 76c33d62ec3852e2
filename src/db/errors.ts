// Recognising database errors the code expects, the same way on SQLite and PostgreSQL.

/** A unique constraint refused an insert: another replica (or request) got there first. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    (error as { code?: string }).code === "P2002" ||
    /unique constraint|UNIQUE constraint failed|duplicate key/i.test(
      String((error as Error).message),
    )
  );
}
