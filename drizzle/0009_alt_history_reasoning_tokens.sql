ALTER TABLE "alt_history" ADD COLUMN "reasoning_tokens" integer;
