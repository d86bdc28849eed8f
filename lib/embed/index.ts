export { reembedAsset } from './reembed';
export { embedStep } from './embed-step';
export { embedAsset, embedMissing, type EmbedOutcome, type BackfillProgress } from './embed-assets';
export { searchModel } from './embedders';
export { embeddingInput, inputHash } from './input';
export { activeModel, liveModels, type LiveModel } from './models';
export { dimensionsType, modelLiteral } from './vector-index';
export { toVectorLiteral } from './normalize';
export type { Embedder, EmbedFailure, EmbedResult } from './types';
