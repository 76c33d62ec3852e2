import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { readSecret } from "../../src/crm/secret-input.js";

/** A terminal-like input: raw mode switches recorded, keystrokes written by the test. */
function terminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.rawModes.push(mode);
      return input;
    },
  });
  const written: string[] = [];
  const output = Object.assign(new PassThrough(), { isTTY: true });
  output.on("data", (chunk: Buffer) => written.push(chunk.toString()));
  return { input, output, written };
}

describe("reading a secret", () => {
  it("at a terminal, echoes nothing of what is typed, handles backspace, ends at Enter", async () => {
    const { input, output, written } = terminal();
    const secret = readSecret(
      "Token: ",
      input as unknown as NodeJS.ReadStream,
      output as unknown as NodeJS.WriteStream,
    );
    input.write("pat-na1-abcX");
    input.write("\u007f");
    input.write("d\r");
    expect(await secret).toBe("pat-na1-abcd");
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.join("")).toBe("Token: \n");
    expect(input.rawModes).toEqual([true, false]);
  });

  it("at a terminal, Ctrl-C cancels", async () => {
    const { input, output } = terminal();
    const secret = readSecret(
      "Token: ",
      input as unknown as NodeJS.ReadStream,
      output as unknown as NodeJS.WriteStream,
    );
    input.write("pat\u0003");
    await expect(secret).rejects.toThrow("Cancelled: nothing was stored.");
  });

  it("piped, reads all of stdin, trimmed", async () => {
    const input = new PassThrough();
    const secret = readSecret("Token: ", input as unknown as NodeJS.ReadStream);
    input.end("  pat-na1-piped-token\n");
    expect(await secret).toBe("pat-na1-piped-token");
  });
});
