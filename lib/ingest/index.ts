export { createUpload, type CreateUploadResult, type UploadRequest } from './create-upload';
export { completeUpload, type CompleteUploadResult } from './complete-upload';
export { checkUploadTarget, type UploadTargetCheck } from './upload-target';
export { receiveUpload, type ReceiveResult } from './receive-upload';
export { deriveStep } from './derive-step';
export { makeDerivatives, DERIVATIVE_KINDS, DERIVATIVE_SPECS, type DerivativeKind, type DeriveResult } from './derivatives';
export { sanitizeFilename, MAX_FILENAME_LENGTH } from './filename';
export { withSharpSlot } from './sharp-limiter';
export type { ImageFacts } from './image-facts';
