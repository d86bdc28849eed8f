export { AltTextPanel, type AltTextPanelProps } from './alt-text-panel';
export { ModelCheckNotice } from './model-check-notice';
export { readApiAnswer, type ApiAnswer } from './alt-api';
