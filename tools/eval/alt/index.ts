export { evaluateFolder, type EvalRow, type EvalOptions } from './evaluate';
export { summarise, renderMarkdown, renderSizes, parseSizes, type EvalTotals, type ReportMeta, type SizeResult } from './report';
export { readReferences } from './references';
export { judgeAltText, JUDGE_PROMPT_VERSION, JUDGE_SYSTEM_PROMPT, type JudgeScores } from './judge';
