/**
 * The public entry of the TF.js adapter: factories for core's InterestEngine and QueryEncoder
 * ports, the backend chooser, and the sentence encoder the model builder shares. Nothing here
 * exposes a tensor.
 */
export { initBackend, backendOrder, describeDevice, onBackend, type BackendOptions, type WasmPaths } from './backend.ts';
export { createCalibratedInterestEngine, compareRankings, type BackendChoice, type CalibrationOptions, type CalibrationStore, type RankingAgreement } from './calibrate.ts';
/** Test hook only: used by src/app/test-hooks.ts, which only test builds include. */
export { destroyWebGpuDevice } from './backend.ts';
export { createInterestEngine, type InterestEngineOptions } from './interest-engine.ts';
export { createSequenceEncoder, type SequenceEncoderOptions } from './sequence-encoder.ts';
export { createQueryEncoder, type DisposableQueryEncoder } from './query-encoder.ts';
export { loadSentenceEncoder, ENCODER, ENCODER_BACKENDS, type EncoderFiles, type EncoderOptions, type LoadedSentenceEncoder, type SentenceEncoder } from './text-encoder.ts';
