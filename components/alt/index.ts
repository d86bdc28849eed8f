export { AltTextPanel, type AltTextPanelProps } from './alt-text-panel';
export { ModelCheckNotice } from './model-check-notice';
