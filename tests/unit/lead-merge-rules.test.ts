import { expect, it } from "vitest";
import { isDiskFull, MERGE_TARGET_MS, nextChunkRows } from "../../src/funnel/bulk-writer.js";

it("sizes the next merge chunk so it holds the lock about MERGE_TARGET_MS, changing at most 2x a step", () => {
  expect(nextChunkRows(1_000, MERGE_TARGET_MS)).toBe(1_000);
  expect(nextChunkRows(1_000, MERGE_TARGET_MS * 2)).toBe(500);
  expect(nextChunkRows(1_000, MERGE_TARGET_MS * 10)).toBe(500);
  expect(nextChunkRows(1_000, MERGE_TARGET_MS / 10)).toBe(2_000);
  expect(nextChunkRows(60, 1_000)).toBe(50);
  expect(nextChunkRows(15_000, 0)).toBe(20_000);
});

it("recognises a full disk from SQLite, PostgreSQL, and a layer that wraps their errors", () => {
  const sqliteFull = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
  const postgresFull = Object.assign(new Error("could not extend file"), { code: "53100" });
  expect(isDiskFull(sqliteFull)).toBe(true);
  expect(isDiskFull(postgresFull)).toBe(true);
  expect(isDiskFull(new Error("merge stopped", { cause: postgresFull }))).toBe(true);
  expect(isDiskFull(new Error("Invalid `prisma.lead.update()`: database or disk is full"))).toBe(
    true,
  );
  expect(isDiskFull(new Error("write ENOSPC: No space left on device"))).toBe(true);
  expect(isDiskFull(Object.assign(new Error("busy"), { code: "SQLITE_BUSY" }))).toBe(false);
  expect(isDiskFull("disk")).toBe(false);
  expect(isDiskFull(null)).toBe(false);
});
