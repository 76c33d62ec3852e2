// Reads the events of an ICS text (RFC 5545) as calendar apps do: folded lines joined, text
// values unescaped, one record of properties per VEVENT. Enough for the feed's tests.

export type IcsEvent = Record<string, string>;

export function icsEvents(ics: string): IcsEvent[] {
  const lines = ics.replace(/\r\n[ \t]/g, "").split(/\r\n|\n/);
  const events: IcsEvent[] = [];
  let current: IcsEvent | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = {};
    else if (line === "END:VEVENT" && current) {
      events.push(current);
      current = null;
    } else if (current) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).split(";")[0]!;
      current[name] = line
        .slice(colon + 1)
        .replace(/\\n/gi, "\n")
        .replace(/\\([,;\\])/g, "$1");
    }
  }
  return events;
}
