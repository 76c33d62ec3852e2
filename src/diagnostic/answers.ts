// Reading the diagnostic modal's submission: Slack's state.values (untrusted) in, one score from
// 1 to 5 per question out, or a message per unanswered question for response_action "errors".
// Pure. The block ids are the questions' ids (views.ts).
import { z } from "zod";
import { QUESTIONS, type Question } from "./rules.js";

export type ParsedAnswers =
  | { ok: true; scores: Array<{ question: Question; score: number }> }
  | { ok: false; errors: Record<string /* block_id */, string> };

const StateValuesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
const ChoiceSchema = z.object({
  selected_option: z.object({ value: z.enum(["1", "2", "3", "4", "5"]) }),
});

export const MISSING_SCORE = "Choose a score from 1 (not at all) to 5 (fully).";

export function parseAnswers(values: unknown): ParsedAnswers {
  const parsed = StateValuesSchema.safeParse(values);
  const blocks = parsed.success ? parsed.data : {};
  const scores: Array<{ question: Question; score: number }> = [];
  const errors: Record<string, string> = {};
  for (const question of QUESTIONS) {
    const choice = ChoiceSchema.safeParse(blocks[question.id]?.[question.id]);
    if (choice.success) scores.push({ question, score: Number(choice.data.selected_option.value) });
    else errors[question.id] = MISSING_SCORE;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, scores };
}

/** What a diagnostic modal carries between opening and submission. */
const MetadataSchema = z.object({ roundId: z.string().min(1).max(64) });

export function roundIdOf(privateMetadata: string | undefined): string | null {
  try {
    return MetadataSchema.parse(JSON.parse(privateMetadata || "{}")).roundId;
  } catch {
    return null;
  }
}
