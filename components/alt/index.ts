export { AltTextPanel, type AltTextPanelProps } from './alt-text-panel';
