export { AltTextPanel, type AltTextPanelProps } from './alt-text-panel';
export { readApiAnswer, type ApiAnswer } from './alt-api';
