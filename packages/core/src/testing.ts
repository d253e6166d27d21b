export { type PresetSample, presetSamples, sampleDelivery } from './signatures/presets/samples.js';
