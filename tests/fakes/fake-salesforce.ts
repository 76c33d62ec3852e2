// A fake Salesforce org on 127.0.0.1, speaking the documented wire shapes, for the real jsforce to
// call: the OAuth 2.0 token endpoint (client_credentials grant, form-encoded; errors as
// {error, error_description}), REST `query` and `queryAll` with SOQL (records with `attributes`,
// totalSize, done, nextRecordsUrl) and the query locator resource that follows nextRecordsUrl,
// Bearer auth (401 INVALID_SESSION_ID), the Sforce-Limit-Info header (api-usage=used/max) on every
// REST answer, 403 REQUEST_LIMIT_EXCEEDED once the allowance is used, and a mode answering 503.
// REST errors are arrays of {message, errorCode}. Its SOQL parser takes only the shapes it knows
// (SELECT fields FROM object [WHERE a AND b …] [ORDER BY …] [LIMIT n]; =, !=, <, <=, >, >=, IN;
// quoted strings, dateTime literals, true/false/null, numbers) and answers MALFORMED_QUERY,
// INVALID_TYPE or INVALID_FIELD to anything else, so a query that drifts fails the tests. Data
// changes go through helpers that keep SystemModstamp, LeadHistory and merges as Salesforce does.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type FieldType = "id" | "string" | "boolean" | "datetime" | "date" | "number";
type ObjectName = "Lead" | "Opportunity" | "User" | "UserRole" | "LeadHistory";
type Value = string | number | boolean | null;
export type FakeRecord = { Id: string } & Record<string, Value>;

const SCHEMA: Record<ObjectName, Record<string, FieldType>> = {
  Lead: {
    Id: "id",
    IsDeleted: "boolean",
    MasterRecordId: "id",
    LastName: "string",
    Company: "string",
    Status: "string",
    CreatedDate: "datetime",
    LastModifiedDate: "datetime",
    SystemModstamp: "datetime",
    OwnerId: "id",
    IsConverted: "boolean",
    ConvertedDate: "date",
    ConvertedOpportunityId: "id",
    LeadSource: "string",
    Industry: "string",
    NumberOfEmployees: "number",
    Country: "string",
    // Two custom fields, as an org that tracks its own MQL date and rejection reason has.
    MQL_Date__c: "datetime",
    Rejection_Reason__c: "string",
  },
  Opportunity: {
    Id: "id",
    IsDeleted: "boolean",
    Name: "string",
    StageName: "string",
    CreatedDate: "datetime",
    LastModifiedDate: "datetime",
    SystemModstamp: "datetime",
    Amount: "number",
    CloseDate: "date",
    IsWon: "boolean",
    IsClosed: "boolean",
  },
  User: { Id: "id", Email: "string", Department: "string", UserRoleId: "id" },
  UserRole: { Id: "id", Name: "string" },
  LeadHistory: {
    Id: "id",
    IsDeleted: "boolean",
    LeadId: "id",
    Field: "string",
    OldValue: "string",
    NewValue: "string",
    CreatedDate: "datetime",
  },
};
/** Lookups a query may follow with a dot: User.UserRole.Name. */
const LOOKUPS: Partial<Record<ObjectName, Record<string, [string, ObjectName]>>> = {
  User: { UserRole: ["UserRoleId", "UserRole"] },
};
const PREFIX: Record<ObjectName, string> = {
  Lead: "00Q",
  Opportunity: "006",
  User: "005",
  UserRole: "00E",
  LeadHistory: "017",
};

export interface RecordedSalesforceRequest {
  method: string;
  path: string;
  /** The SOQL of a query, if it was one. */
  soql: string | null;
  authorization: string | undefined;
}

class SoqlError extends Error {
  constructor(
    readonly errorCode: "MALFORMED_QUERY" | "INVALID_TYPE" | "INVALID_FIELD",
    message: string,
  ) {
    super(message);
  }
}

interface Condition {
  field: string;
  op: "=" | "!=" | "<" | "<=" | ">" | ">=" | "IN";
  values: Value[];
}
interface Soql {
  fields: string[];
  object: ObjectName;
  where: Condition[];
  orderBy: Array<{ field: string; descending: boolean }>;
  limit: number | null;
}

const TOKEN =
  /\s*(?:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))|('(?:[^'\\]|\\.)*')|(!=|<=|>=|[=<>(),])|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?))/y;
type Token = { kind: "datetime" | "string" | "symbol" | "word" | "number"; text: string };

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < soql.length) {
    if (/^\s*$/.test(soql.slice(at))) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(soql);
    if (!match) throw new SoqlError("MALFORMED_QUERY", `unexpected token at: ${soql.slice(at)}`);
    const [, datetime, string, symbol, word, number] = match;
    if (datetime) tokens.push({ kind: "datetime", text: datetime });
    else if (string) tokens.push({ kind: "string", text: string.slice(1, -1) });
    else if (symbol) tokens.push({ kind: "symbol", text: symbol });
    else if (word) tokens.push({ kind: "word", text: word });
    else tokens.push({ kind: "number", text: number! });
    at = TOKEN.lastIndex;
  }
  return tokens;
}

/** Parses the SOQL shapes the fake serves; throws SoqlError on anything else. */
export function parseSoql(soql: string): Soql {
  const tokens = tokenize(soql);
  let index = 0;
  const peek = () => tokens[index];
  const next = () => {
    const token = tokens[index++];
    if (!token) throw new SoqlError("MALFORMED_QUERY", "unexpected end of query");
    return token;
  };
  const keyword = (word: string) => {
    const token = next();
    if (token.kind !== "word" || token.text.toUpperCase() !== word)
      throw new SoqlError("MALFORMED_QUERY", `expected ${word}, found '${token.text}'`);
  };
  const isKeyword = (word: string) =>
    peek()?.kind === "word" && peek()!.text.toUpperCase() === word;
  const fieldName = () => {
    const token = next();
    if (token.kind !== "word")
      throw new SoqlError("MALFORMED_QUERY", `expected a field, found '${token.text}'`);
    return token.text;
  };
  const literal = (): Value => {
    const token = next();
    if (token.kind === "string" || token.kind === "datetime") return token.text;
    if (token.kind === "number") return Number(token.text);
    if (token.kind === "word" && /^(true|false|null)$/i.test(token.text))
      return token.text.toLowerCase() === "null" ? null : token.text.toLowerCase() === "true";
    throw new SoqlError("MALFORMED_QUERY", `expected a value, found '${token.text}'`);
  };

  keyword("SELECT");
  const fields = [fieldName()];
  while (peek()?.text === ",") {
    next();
    fields.push(fieldName());
  }
  keyword("FROM");
  const objectToken = next();
  if (!(objectToken.text in SCHEMA))
    throw new SoqlError(
      "INVALID_TYPE",
      `sObject type '${objectToken.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
    );
  const object = objectToken.text as ObjectName;
  const where: Condition[] = [];
  if (isKeyword("WHERE")) {
    next();
    for (;;) {
      const field = fieldName();
      const operator = next();
      if (operator.kind === "word" && operator.text.toUpperCase() === "IN") {
        if (next().text !== "(") throw new SoqlError("MALFORMED_QUERY", "expected ( after IN");
        const values = [literal()];
        while (peek()?.text === ",") {
          next();
          values.push(literal());
        }
        if (next().text !== ")") throw new SoqlError("MALFORMED_QUERY", "expected ) after IN");
        where.push({ field, op: "IN", values });
      } else if (
        operator.kind === "symbol" &&
        ["=", "!=", "<", "<=", ">", ">="].includes(operator.text)
      ) {
        where.push({ field, op: operator.text as Condition["op"], values: [literal()] });
      } else throw new SoqlError("MALFORMED_QUERY", `unexpected '${operator.text}'`);
      if (!isKeyword("AND")) break;
      next();
    }
  }
  const orderBy: Soql["orderBy"] = [];
  if (isKeyword("ORDER")) {
    next();
    keyword("BY");
    for (;;) {
      const field = fieldName();
      let descending = false;
      if (isKeyword("ASC")) next();
      else if (isKeyword("DESC")) {
        next();
        descending = true;
      }
      orderBy.push({ field, descending });
      if (peek()?.text !== ",") break;
      next();
    }
  }
  let limit: number | null = null;
  if (isKeyword("LIMIT")) {
    next();
    const token = next();
    if (token.kind !== "number") throw new SoqlError("MALFORMED_QUERY", "LIMIT takes a number");
    limit = Number(token.text);
  }
  if (index < tokens.length)
    throw new SoqlError("MALFORMED_QUERY", `unexpected '${tokens[index]!.text}'`);
  for (const field of [...fields, ...where.map((c) => c.field), ...orderBy.map((o) => o.field)])
    fieldType(object, field);
  for (const condition of where) checkLiteral(object, condition);
  return { fields, object, where, orderBy, limit };
}

function fieldType(object: ObjectName, path: string): FieldType {
  const [first, ...rest] = path.split(".");
  if (rest.length === 0) {
    const type = SCHEMA[object][first!];
    if (!type)
      throw new SoqlError("INVALID_FIELD", `No such column '${first}' on entity '${object}'.`);
    return type;
  }
  const lookup = LOOKUPS[object]?.[first!];
  if (!lookup || rest.length !== 1)
    throw new SoqlError(
      "INVALID_FIELD",
      `Didn't understand relationship '${first}' in field path '${path}'.`,
    );
  return fieldType(lookup[1], rest[0]!);
}

function checkLiteral(object: ObjectName, { field, values }: Condition): void {
  const type = fieldType(object, field);
  for (const value of values) {
    const fits =
      value === null ||
      (type === "boolean" && typeof value === "boolean") ||
      (type === "number" && typeof value === "number") ||
      (type === "datetime" &&
        typeof value === "string" &&
        /^\d{4}-\d{2}-\d{2}T/.test(value) &&
        !Number.isNaN(Date.parse(value))) ||
      (type === "date" && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) ||
      ((type === "string" || type === "id") && typeof value === "string");
    if (!fits)
      throw new SoqlError(
        "MALFORMED_QUERY",
        `value of filter criterion for field '${field}' must be of type ${type} and should not be enclosed in quotes`,
      );
  }
}

/** Salesforce writes dateTimes as 2026-11-30T12:00:00.000+0000. */
export const sfDateTime = (at: Date): string => at.toISOString().replace("Z", "+0000");

export class FakeSalesforce {
  readonly clientId = `3MVG9${randomBytes(12).toString("hex")}`;
  readonly clientSecret = randomBytes(24).toString("hex");
  /** Off: the connected app's client credentials flow is not enabled (no run-as user). */
  clientCredentialsEnabled = true;
  readonly requests: RecordedSalesforceRequest[] = [];
  /** The org's API allowance: each REST request uses one. */
  apiUsage = { used: 1_000, limit: 100_000 };
  /** Records per query page (Salesforce's default is 2,000). */
  pageSize = 2_000;
  /** Off: query locators are forgotten at once, so following nextRecordsUrl fails. */
  keepLocators = true;
  /** The next this-many REST requests answer 503. */
  unavailable = 0;
  /** The org's clock: every change happens `changeEveryMs` after the one before. */
  now = new Date("2026-11-01T09:00:00Z");
  changeEveryMs = 10 * 60_000;
  /** Whether LeadHistory records Status changes (field history tracking). */
  historyTracked = true;
  readonly records: Record<ObjectName, Map<string, FakeRecord>> = {
    Lead: new Map(),
    Opportunity: new Map(),
    User: new Map(),
    UserRole: new Map(),
    LeadHistory: new Map(),
  };
  private server: Server | null = null;
  private tokens = new Set<string>();
  private locators = new Map<string, Array<Record<string, unknown>>>();
  private counter = 0;
  baseUrl = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify([{ message: String(error), errorCode: "UNKNOWN_EXCEPTION" }]));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The queries asked of one object (with queryAll's too), in order. */
  queriesOf(object: ObjectName): string[] {
    return this.requests
      .map((request) => request.soql)
      .filter(
        (soql): soql is string => soql !== null && new RegExp(` FROM ${object}\\b`).test(soql),
      );
  }

  /** Forgets every session: the next REST request answers 401 INVALID_SESSION_ID. */
  expireSessions(): void {
    this.tokens.clear();
  }

  newId(object: ObjectName): string {
    this.counter += 1;
    return `${PREFIX[object]}${String(this.counter).padStart(12, "0")}AAA`;
  }

  private tick(): string {
    this.now = new Date(this.now.getTime() + this.changeEveryMs);
    return sfDateTime(this.now);
  }

  /** Creates or edits a record as a user would; Status changes are tracked in LeadHistory. */
  put(object: "Lead" | "Opportunity", fields: Record<string, Value>, id?: string): FakeRecord {
    const at = this.tick();
    const existing = id ? this.records[object].get(id) : undefined;
    const recordId = id ?? this.newId(object);
    for (const name of Object.keys(fields))
      if (!(name in SCHEMA[object])) throw new Error(`${object} has no field ${name}`);
    if (
      object === "Lead" &&
      existing &&
      this.historyTracked &&
      "Status" in fields &&
      fields.Status !== existing.Status
    ) {
      const historyId = this.newId("LeadHistory");
      this.records.LeadHistory.set(historyId, {
        Id: historyId,
        IsDeleted: false,
        LeadId: recordId,
        Field: "Status",
        OldValue: existing.Status ?? null,
        NewValue: fields.Status ?? null,
        CreatedDate: at,
      });
    }
    const record: FakeRecord = {
      ...(existing ?? { IsDeleted: false, CreatedDate: at }),
      ...fields,
      Id: recordId,
      LastModifiedDate: at,
      SystemModstamp: at,
    };
    this.records[object].set(recordId, record);
    return record;
  }

  putUser(fields: { Email: string; role?: string }): string {
    const id = this.newId("User");
    let roleId: string | null = null;
    if (fields.role) {
      roleId = this.newId("UserRole");
      this.records.UserRole.set(roleId, { Id: roleId, Name: fields.role });
    }
    this.records.User.set(id, { Id: id, Email: fields.Email, UserRoleId: roleId });
    return id;
  }

  /** Deletes a Lead: it goes to the recycle bin, seen only by queryAll. */
  deleteLead(id: string): void {
    const lead = this.records.Lead.get(id)!;
    const at = this.tick();
    Object.assign(lead, { IsDeleted: true, LastModifiedDate: at, SystemModstamp: at });
  }

  /** Merges `loser` into `master`: the loser is deleted naming the master; the master changes. */
  mergeLeads(master: string, loser: string): void {
    const at = this.tick();
    Object.assign(this.records.Lead.get(loser)!, {
      IsDeleted: true,
      MasterRecordId: master,
      LastModifiedDate: at,
      SystemModstamp: at,
    });
    Object.assign(this.records.Lead.get(master)!, { LastModifiedDate: at, SystemModstamp: at });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const soql = url.searchParams.get("q");
    this.requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      soql,
      authorization: req.headers.authorization,
    });
    if (req.method === "POST" && url.pathname === "/services/oauth2/token")
      return this.token(new URLSearchParams(body), res);
    const rest = /^\/services\/data\/v\d+\.\d\/(query|queryAll)(?:\/([\w-]+))?\/?$/.exec(
      url.pathname,
    );
    if (!rest || req.method !== "GET")
      return this.error(res, 404, "NOT_FOUND", "The requested resource does not exist");
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || !this.tokens.has(token))
      return this.error(res, 401, "INVALID_SESSION_ID", "Session expired or invalid");
    if (this.unavailable > 0) {
      this.unavailable -= 1;
      return this.error(res, 503, "SERVER_UNAVAILABLE", "Server is unavailable");
    }
    if (this.apiUsage.used >= this.apiUsage.limit)
      return this.error(res, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    this.apiUsage.used += 1;
    const [, resource, locator] = rest;
    if (locator) {
      const [id, offset] = locator.split(/-(?=\d+$)/);
      const rows = this.locators.get(id ?? "");
      if (!rows) return this.error(res, 400, "INVALID_QUERY_LOCATOR", "invalid query locator");
      return this.page(res, rows, Number(offset), id!);
    }
    if (!soql) return this.error(res, 400, "MALFORMED_QUERY", "q: the query is missing");
    let parsed: Soql;
    try {
      parsed = parseSoql(soql);
    } catch (error) {
      if (error instanceof SoqlError) return this.error(res, 400, error.errorCode, error.message);
      throw error;
    }
    const rows = this.run(parsed, resource === "queryAll");
    const id = `01g${randomBytes(6).toString("hex")}`;
    if (this.keepLocators) this.locators.set(id, rows);
    return this.page(res, rows, 0, id);
  }

  private token(params: URLSearchParams, res: ServerResponse): void {
    const fail = (error: string, description: string) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error, error_description: description }));
    };
    if (params.get("grant_type") !== "client_credentials")
      return fail("unsupported_grant_type", "grant type not supported");
    if (params.get("client_id") !== this.clientId)
      return fail("invalid_client_id", "client identifier invalid");
    if (params.get("client_secret") !== this.clientSecret)
      return fail("invalid_client", "invalid client credentials");
    if (!this.clientCredentialsEnabled)
      return fail("invalid_grant", "no client credentials user enabled");
    const accessToken = `00D000000000001!${randomBytes(24).toString("base64url")}`;
    this.tokens.add(accessToken);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        access_token: accessToken,
        signature: randomBytes(16).toString("base64"),
        scope: "api",
        instance_url: this.baseUrl,
        id: `${this.baseUrl}/id/00D000000000001AAA/005000000000001AAA`,
        token_type: "Bearer",
        issued_at: String(Date.now()),
      }),
    );
  }

  private error(res: ServerResponse, status: number, errorCode: string, message: string): void {
    res.writeHead(status, {
      "content-type": "application/json;charset=UTF-8",
      "sforce-limit-info": `api-usage=${this.apiUsage.used}/${this.apiUsage.limit}`,
    });
    res.end(JSON.stringify([{ message, errorCode }]));
  }

  private page(
    res: ServerResponse,
    rows: Array<Record<string, unknown>>,
    offset: number,
    id: string,
  ): void {
    const end = offset + this.pageSize;
    const done = end >= rows.length;
    res.writeHead(200, {
      "content-type": "application/json;charset=UTF-8",
      "sforce-limit-info": `api-usage=${this.apiUsage.used}/${this.apiUsage.limit}`,
    });
    res.end(
      JSON.stringify({
        totalSize: rows.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `/services/data/v63.0/query/${id}-${end}` }),
        records: rows.slice(offset, end),
      }),
    );
  }

  private run(soql: Soql, all: boolean): Array<Record<string, unknown>> {
    let rows = [...this.records[soql.object].values()].filter(
      (record) => all || record.IsDeleted !== true,
    );
    for (const condition of soql.where)
      rows = rows.filter((record) => this.matches(soql.object, record, condition));
    rows.sort((a, b) => {
      for (const { field, descending } of soql.orderBy) {
        const order = compare(
          fieldType(soql.object, field),
          this.valueOf(soql.object, a, field),
          this.valueOf(soql.object, b, field),
        );
        if (order !== 0) return descending ? -order : order;
      }
      return 0;
    });
    if (soql.limit !== null) rows = rows.slice(0, soql.limit);
    return rows.map((record) => this.select(soql.object, record, soql.fields));
  }

  private valueOf(object: ObjectName, record: FakeRecord, path: string): Value {
    const [first, second] = path.split(".");
    if (!second) return record[first!] ?? null;
    const [key, target] = LOOKUPS[object]![first!]!;
    const related = this.records[target].get(String(record[key]));
    return related?.[second] ?? null;
  }

  private matches(object: ObjectName, record: FakeRecord, condition: Condition): boolean {
    const type = fieldType(object, condition.field);
    const value = this.valueOf(object, record, condition.field);
    const order = (literal: Value) => compare(type, value, literal);
    switch (condition.op) {
      case "IN":
        return condition.values.some((literal) => order(literal) === 0 && value !== null);
      case "=":
        return condition.values[0] === null ? value === null : order(condition.values[0]!) === 0;
      case "!=":
        return condition.values[0] === null ? value !== null : order(condition.values[0]!) !== 0;
      case "<":
        return value !== null && order(condition.values[0]!) < 0;
      case "<=":
        return value !== null && order(condition.values[0]!) <= 0;
      case ">":
        return value !== null && order(condition.values[0]!) > 0;
      case ">=":
        return value !== null && order(condition.values[0]!) >= 0;
    }
  }

  /** The record as the REST API returns it: `attributes`, then the fields asked for. */
  private select(object: ObjectName, record: FakeRecord, fields: string[]) {
    const out: Record<string, unknown> = {
      attributes: { type: object, url: `/services/data/v63.0/sobjects/${object}/${record.Id}` },
    };
    for (const field of fields) {
      const [first, second] = field.split(".");
      if (!second) {
        out[first!] = record[first!] ?? null;
        continue;
      }
      const [key, target] = LOOKUPS[object]![first!]!;
      const related = this.records[target].get(String(record[key]));
      const nested = (out[first!] ??= related
        ? {
            attributes: {
              type: target,
              url: `/services/data/v63.0/sobjects/${target}/${related.Id}`,
            },
          }
        : null) as Record<string, unknown> | null;
      if (nested && related) nested[second] = related[second] ?? null;
    }
    return out;
  }
}

function compare(type: FieldType, a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (type === "datetime") return Date.parse(String(a)) - Date.parse(String(b));
  if (type === "number") return Number(a) - Number(b);
  if (type === "boolean") return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
