export { renditionFile, type RenditionFile, type RenditionFailure, type RenditionResult } from './rendition-file';
export { PRESET_FITS, PRESET_FORMATS, PRESET_METADATA, BUILT_IN_PRESETS, MAX_PRESET_SIDE, TRIM_FILL, findPreset, listPresets, presetHash, presetInput, presetForm, type Preset, type PresetInput, type PresetSpec } from './presets';
export { renditionKeys } from './stored-keys';
export { assetRendition } from './rendition-file';
export { definePreset, deletePreset } from './preset-admin';
